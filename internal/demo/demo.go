package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nanna-coder/build/internal/container"
	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/images"
	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/ui"
)

// ErrUnsupported means the demo's program cannot be built for this machine.
var ErrUnsupported = errors.New("the demo runs on x86_64-linux and aarch64-linux only")

// Options say where the repository is and where to report.
type Options struct {
	// Root is the repository root; the flake is Root/demo.
	Root string
	// Env is the workflows' environment (configuration, daemon, output).
	Env images.Env
	// Out receives what happened and what to run next.
	Out io.Writer
}

// Run builds demo/bin/nanna-demo-<system> with go build, then the flake's
// image with nix build, loads it and runs it, and checks that what ran came
// from the image's /nix/store.
func Run(ctx context.Context, opts Options) error {
	system, err := nixSystem(runtime.GOARCH)
	if err != nil {
		return err
	}
	flake := filepath.Join(opts.Root, "demo")
	if err := buildProgram(ctx, opts.Root, filepath.Join(flake, "bin", "nanna-demo-"+system)); err != nil {
		return err
	}
	built, err := images.LoadInstallable(ctx, opts.Env, nixbuild.FlakeRef(flake, "packages."+system+".image"))
	if err != nil {
		return err
	}
	ref := built.Load.Refs[0]
	var out bytes.Buffer
	code, err := runImage(ctx, opts.Env.Getenv, ref, &out)
	if err != nil {
		return err
	}
	entry := built.Image.Config.Entrypoint[0]
	if code != 0 || !strings.Contains(out.String(), "runs from "+entry) {
		return fmt.Errorf("running %s: exit status %d, want 0 and a greeting from %s; it printed:\n%s", ref, code, entry, &out)
	}
	report(opts.Out, built, ref, out.String())
	return nil
}

// nixSystem returns the Nix system of goarch, one the demo's flake builds
// for.
func nixSystem(goarch string) (string, error) {
	p, err := platform.ParseIn(goarch, []platform.Platform{{Architecture: "amd64"}, {Architecture: "arm64"}})
	if err != nil {
		return "", fmt.Errorf("%w (this is %s)", ErrUnsupported, goarch)
	}
	return p.System(), nil
}

// buildProgram builds the demo's static program for Linux on this
// architecture; the same source gives the same bytes, so Nix's store paths
// stay the same from run to run.
func buildProgram(ctx context.Context, root, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, "./internal/demo/program")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the demo program with go build: %w\n%s", err, msg)
	}
	return nil
}

// runImage runs the image's entrypoint through the Docker Engine API.
func runImage(ctx context.Context, getenv func(string) string, ref string, out io.Writer) (int, error) {
	ep, err := daemon.Resolve(getenv)
	if err != nil {
		return 0, err
	}
	c, err := daemon.Connect(ctx, ep)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return container.Run(ctx, c, container.Options{Image: ref, Stdout: out, Stderr: out})
}

func report(w io.Writer, b images.Built, ref, output string) {
	if w == nil {
		return
	}
	var size int64
	for _, l := range b.Image.Layers {
		size += l.Size
	}
	fmt.Fprintf(w, "\nnix build made %s: %d layer (%s) of store path %s\n", b.JSON, len(b.Image.Layers), ui.Bytes(size), b.Image.Layers[0].Paths[0].Path)
	fmt.Fprintf(w, "the container of %s printed:\n", ref)
	for _, line := range strings.Split(strings.TrimSpace(output), "\n") {
		fmt.Fprintf(w, "  | %s\n", line)
	}
	fmt.Fprintf(w, `
It works: Nix built the image, the loader streamed it into the daemon, and it ran.
Run the demo again and nothing is sent twice. Next:
  %-30s # the same, with the Docker CLI
  %-30s # what else this machine needs
  %-30s # nanna-coder's Ollama image (fetches nixpkgs and nix2container: needs the network)
  %-30s # every target
`, "docker run --rm "+ref, "go tool mage doctor", "go tool mage load:ollama", "go tool mage -l")
}
