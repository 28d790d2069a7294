package nixbuild

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/nanna-coder/build/internal/jsonerr"
	"github.com/nanna-coder/build/internal/ui"
)

// nixArgs returns the arguments for a nix subcommand. Every call enables
// nix-command and flakes, so that they work without any nix.conf change on
// Nix 2.4 and newer.
func nixArgs(args ...string) []string {
	return append([]string{"--extra-experimental-features", "nix-command flakes"}, args...)
}

// Options configures how nix is run. The zero value runs the nix found on
// PATH and discards its log.
type Options struct {
	// Log receives nix's stderr (progress and build logs) as it is
	// written. Nil means io.Discard; callers pass os.Stderr in verbose
	// mode. When Log is nil, errors end with the tail of the log; otherwise
	// the log was shown once already and errors refer to it.
	Log io.Writer

	// run replaces the nix process in tests; nil means execRunner.
	run Runner
}

func (o Options) runner() Runner {
	if o.run != nil {
		return o.run
	}
	return execRunner
}

// Result is what nix build produced for one installable.
type Result struct {
	// Installable is the installable that was built, as given to Build.
	Installable string
	// Path is the store path of the derivation's "out" output.
	Path string
	// DrvPath is the store path of the derivation.
	DrvPath string
}

// buildOutput is one element of the JSON array printed by nix build --json.
type buildOutput struct {
	DrvPath string            `json:"drvPath"`
	Outputs map[string]string `json:"outputs"`
}

// Build builds installable (a flake reference such as FlakeRef returns)
// with nix build --no-link --json and returns its out path. Nothing is
// linked into the working directory; Nix's store is the cache, so building
// an unchanged installable again only evaluates it.
//
// Nix's log, including the build logs, goes to opts.Log; when the build
// fails the error ends with the last lines of it.
func Build(ctx context.Context, installable string, opts Options) (Result, error) {
	args := nixArgs("build", installable, "--no-link", "--json", "--print-build-logs")
	stdout, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log))
	if err != nil {
		return Result{}, buildError(ctx, installable, err, stderr, opts)
	}
	var outs []buildOutput
	if err := json.Unmarshal(stdout, &outs); err != nil {
		return Result{}, fmt.Errorf("building %s: nix build --json printed %q, not a list of built derivations: %w", installable, ui.Abbreviate(string(stdout), 200), jsonerr.Describe(stdout, err))
	}
	if len(outs) != 1 {
		return Result{}, fmt.Errorf("building %s: nix build reported %d derivations, want 1", installable, len(outs))
	}
	out, ok := outs[0].Outputs["out"]
	if !ok || out == "" {
		return Result{}, fmt.Errorf("building %s: derivation %s has no \"out\" output", installable, outs[0].DrvPath)
	}
	return Result{Installable: installable, Path: out, DrvPath: outs[0].DrvPath}, nil
}

// ImageRef is the name and tag nix2container gives an image. They are not
// in the image JSON but in passthru attributes of the buildImage derivation.
type ImageRef struct {
	// Name is the lower-cased image name (buildImage's imageName).
	Name string
	// Tag is the image tag (buildImage's imageTag).
	Tag string
}

// String returns "name:tag".
func (r ImageRef) String() string { return r.Name + ":" + r.Tag }

// imageRefExpr reads the passthru attributes; a missing one becomes null
// so that the error can say what is wrong instead of quoting nix.
const imageRefExpr = "i: { name = i.imageName or null; tag = i.imageTag or null; }"

// EvalImageRef evaluates the imageName and imageTag attributes of a
// nix2container buildImage installable without building it. It fails with
// ErrNotImage when the installable has no such attributes.
func EvalImageRef(ctx context.Context, installable string, opts Options) (ImageRef, error) {
	args := nixArgs("eval", "--json", installable, "--apply", imageRefExpr)
	stdout, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log))
	if err != nil {
		return ImageRef{}, commandError(ctx, "evaluating", installable, err, stderr, opts.Log != nil)
	}
	var ref struct {
		Name *string `json:"name"`
		Tag  *string `json:"tag"`
	}
	if err := json.Unmarshal(stdout, &ref); err != nil {
		return ImageRef{}, fmt.Errorf("evaluating %s: nix eval --json printed %q, not a name and a tag: %w", installable, ui.Abbreviate(string(stdout), 200), jsonerr.Describe(stdout, err))
	}
	if ref.Name == nil || ref.Tag == nil || *ref.Name == "" || *ref.Tag == "" {
		return ImageRef{}, fmt.Errorf("evaluating %s: %w", installable, ErrNotImage)
	}
	return ImageRef{Name: *ref.Name, Tag: *ref.Tag}, nil
}

// Evaluator evaluates a Nix file to JSON, like
// `nix eval --impure --json --file FILE`. FileEvaluator returns one that
// runs nix; tests pass a fake.
type Evaluator func(ctx context.Context, file string) ([]byte, error)

// FileEvaluator returns an Evaluator that runs EvalFile with opts.
func FileEvaluator(opts Options) Evaluator {
	return func(ctx context.Context, file string) ([]byte, error) {
		return EvalFile(ctx, file, opts)
	}
}

// EvalFile evaluates the Nix file with nix eval --impure --json --file and
// returns the JSON. Impure evaluation lets the file read environment
// variables with builtins.getEnv.
func EvalFile(ctx context.Context, file string, opts Options) ([]byte, error) {
	args := nixArgs("eval", "--impure", "--json", "--file", file)
	stdout, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log))
	if err != nil {
		return nil, commandError(ctx, "evaluating", file, err, stderr, opts.Log != nil)
	}
	if !json.Valid(stdout) {
		return nil, fmt.Errorf("evaluating %s: nix eval printed invalid JSON %q", file, ui.Abbreviate(string(stdout), 200))
	}
	return stdout, nil
}

// Run runs an installable's program with nix run, for example a
// nix2container image's copyToDockerDaemon script. Its output goes to
// opts.Log; the error ends with the last lines of it.
func Run(ctx context.Context, installable string, opts Options) error {
	args := nixArgs("run", installable)
	if _, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log)); err != nil {
		return commandError(ctx, "running", installable, err, stderr, opts.Log != nil)
	}
	return nil
}
