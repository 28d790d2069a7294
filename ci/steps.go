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
}

// Run runs steps in order in dir, streaming their output to out, and stops
// at the first failure.
func Run(ctx context.Context, dir string, out io.Writer, steps []Step) error {
	for _, s := range steps {
		fmt.Fprintf(out, "==> %s: %s\n", s.Name, strings.Join(s.Args, " "))
		cmd := exec.CommandContext(ctx, s.Args[0], s.Args[1:]...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
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
		{"gofmt", []string{"sh", "-c", `out=$(gofmt -l . | grep -v '^magefiles/mage_output_file.go$' || true); if [ -n "$out" ]; then echo "not gofmt'ed:"; echo "$out"; exit 1; fi`}},
		{"vet", []string{"go", "vet", "./..."}},
		{"vet integration", []string{"go", "vet", "-tags", "integration", "./..."}},
		{"vet magefiles", []string{"go", "vet", "-tags", "mage", "./magefiles"}},
	}
}

// UnitTests runs the unit tests.
func UnitTests() []Step {
	return []Step{{"unit tests", []string{"go", "test", "-count=1", "./..."}}}
}

// IntegrationTests runs the integration tests against a real Docker Engine,
// Nix, Podman, registries and binfmt_misc, one package at a time: they share
// the daemon and the kernel's binfmt_misc.
func IntegrationTests() []Step {
	return []Step{{"integration tests", []string{"go", "test", "-count=1", "-p", "1", "-tags", "integration", "-timeout", "20m", "./..."}}}
}
