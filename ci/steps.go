package ci

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Step is one command of a check sequence.
type Step struct {
	Name string
	Args []string // program and arguments
	Env  []string // extra environment, after CGO_ENABLED=0
}

// Run runs steps in order in dir, streaming their output to out, and stops
// at the first failure.
func Run(ctx context.Context, dir string, out io.Writer, steps []Step) error {
	for _, s := range steps {
		fmt.Fprintf(out, "==> %s: %s\n", s.Name, strings.Join(s.Args, " "))
		cmd := exec.CommandContext(ctx, s.Args[0], s.Args[1:]...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
		cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), s.Env...)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	return nil
}

// Checks are the static checks: formatting, vet (with every build tag the
// module uses) and the magefiles' compilation.
func Checks() []Step {
	return []Step{
		{"gofmt", []string{"sh", "-c", `out=$(gofmt -l . | grep -v '^magefiles/mage_output_file.go$' || true); if [ -n "$out" ]; then echo "not gofmt'ed:"; echo "$out"; exit 1; fi`}, nil},
		{"vet", []string{"go", "vet", "./..."}, nil},
		{"vet integration", []string{"go", "vet", "-tags", "integration", "./..."}, nil},
		{"vet magefiles", []string{"go", "vet", "-tags", "mage", "./magefiles"}, nil},
	}
}

// UnitTests runs the unit tests under the race detector (which needs cgo),
// then each fuzz target for a short fixed budget.
func UnitTests() []Step {
	steps := []Step{{"unit tests (race detector)", []string{"go", "test", "-race", "-count=1", "./..."}, []string{"CGO_ENABLED=1"}}}
	for _, f := range FuzzTargets() {
		steps = append(steps, Step{"fuzz " + f.Name, []string{"go", "test", "-run", "^$", "-fuzz", "^" + f.Name + "$", "-fuzztime", FuzzTime, f.Package}, nil})
	}
	return steps
}

// FuzzTime is each fuzz target's budget in `go tool mage unit`.
const FuzzTime = "15s"

// Fuzz is one fuzz target.
type Fuzz struct {
	Package string // ./internal/…
	Name    string // FuzzParse
}

// FuzzTargets are the fuzz targets CI runs: the image-JSON parser with its
// store confinement, the models.nix editor and the Nix lexer under it.
func FuzzTargets() []Fuzz {
	return []Fuzz{
		{"./internal/nix2container", "FuzzParse"},
		{"./internal/nix2container", "FuzzConfine"},
		{"./internal/models", "FuzzSetHash"},
		{"./internal/nixlex", "FuzzTokens"},
	}
}

// IntegrationTests runs the integration tests against a real Docker Engine,
// Nix, Podman, registries and binfmt_misc, one package at a time: they share
// the daemon and the kernel's binfmt_misc. Then it runs the tests of
// loading (and of the targets that load) once more against each further
// engine that .ci/run starts: Docker 29 with the containerd image store
// (NANNA_DOCKER29_HOST) and with the classic store
// (NANNA_DOCKER29_CLASSIC_HOST). Under CI those must be set.
func IntegrationTests() []Step {
	steps := []Step{{"integration tests", []string{"go", "test", "-count=1", "-p", "1", "-tags", "integration", "-timeout", "20m", "./..."}, nil}}
	for _, e := range Engines() {
		host := os.Getenv(e.Env)
		switch {
		case host != "":
			steps = append(steps, Step{"loading on " + e.Name, []string{"go", "test", "-count=1", "-p", "1", "-tags", "integration", "-timeout", "20m",
				"./internal/daemon/", "./internal/contentstore/", "./internal/container/", "./internal/doctor/", "./integration/"}, []string{"DOCKER_HOST=" + host}})
		case Enabled():
			steps = append(steps, Step{"loading on " + e.Name, []string{"sh", "-c", "echo '" + e.Env + " is not set: .ci/run starts that engine' >&2; exit 1"}, nil})
		}
	}
	return steps
}

// Engine is a further Docker Engine the loading tests run against.
type Engine struct {
	Name string // "Docker 29 (containerd image store)"
	Env  string // the variable holding its DOCKER_HOST
}

// Engines are the engines besides DOCKER_HOST's that .ci/run starts.
func Engines() []Engine {
	return []Engine{
		{"Docker 29 (containerd image store)", "NANNA_DOCKER29_HOST"},
		{"Docker 29 (classic image store)", "NANNA_DOCKER29_CLASSIC_HOST"},
	}
}
