package bench

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/ui"
)

// PipelineOptions configure bench:pipeline.
type PipelineOptions struct {
	// Root is this repository's root: testdata/ and the test flakes'
	// program are read from there, and Mage runs there.
	Root string
	// Mage runs this project's targets as a developer does: go tool mage.
	Mage []string
	// Reps is how many times each measurement is repeated; the median
	// counts.
	Reps int
	// Log receives progress and the report.
	Log io.Writer
}

// Pipeline measures the pipeline's warm no-ops against nix build, in one
// run, on a project whose images take about 2 s to evaluate (see
// prepareSlowProject) in a dirty Git tree: the start-up floor of the
// compiled targets binary (bench:floor, which does nothing); load:ollama
// with nothing changed, which must evaluate nothing; nix build of the
// same attribute with --no-eval-cache, as current Nix evaluates a dirty
// tree every time, and plain, with this Nix's evaluation cache; ci with
// nothing changed, every step cached (push skipped, as outside GitHub
// Actions); and load:ollama through go tool mage. Each runs once to warm
// up, then opts.Reps times; the report has medians, ratios and targets.
//
// The commands run with a temporary XDG_CACHE_HOME (the pipeline's
// records, Nix's evaluation cache), a separate one for go tool mage,
// whose binary is another build and so may have another code version
// (tasks.CodeVersion) and other records, and against the Docker daemon
// of DOCKER_HOST (or the Docker CLI's). A command that fails, or a timed
// run that was not cached, is reported as failed and not run again; the
// error then says which. Missed targets are no error. The images are
// tagged bench-pipeline and untagged at the end.
func Pipeline(ctx context.Context, opts PipelineOptions) error {
	for _, tool := range []string{"go", "git", "nix"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("benchmarking the pipeline needs %s on PATH: %w", tool, err)
		}
	}
	opts.Log = ui.Or(opts.Log)
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "nanna-bench-pipeline-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work) //nolint:errcheck // a temporary directory
	res := pipelineResult{reps: max(opts.Reps, 1), times: map[string][]measurement{}, failed: map[string]string{}, notes: map[string]string{}}
	ep, err := describeSetup(ctx, &res)
	if err != nil {
		return err
	}
	cmds, err := setUp(ctx, root, work, opts)
	if err != nil {
		return err
	}
	defer untag(context.WithoutCancel(ctx), ep, opts.Log)
	if err := measure(ctx, cmds, &res, opts.Log); err != nil {
		return err
	}
	printPipeline(opts.Log, res)
	if len(res.failed) > 0 {
		names := slices.Sorted(maps.Keys(res.failed))
		return fmt.Errorf("benchmarking the pipeline: %s failed (see above)", strings.Join(names, ", "))
	}
	return nil
}

// measure runs cmds in order once to warm up, then res.reps times, into
// res. A command that fails, or whose check rejects a timed run, is
// failed and not run again. The error is ctx's, when it ends.
func measure(ctx context.Context, cmds []timed, res *pipelineResult, log io.Writer) error {
	for rep := range res.reps + 1 {
		if rep > 0 {
			fmt.Fprintf(log, "run %d of %d\n", rep, res.reps)
		}
		for _, c := range cmds {
			if _, failed := res.failed[c.name]; failed {
				continue
			}
			m, out, err := c.cmd.run(ctx)
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			note := ""
			if err == nil && rep > 0 && c.check != nil {
				note, err = c.check(out)
			}
			switch {
			case err != nil:
				res.failed[c.name] = summary(err)
				fmt.Fprintf(log, "  %s: failed: %v\n", c.name, err)
			case rep == 0:
				fmt.Fprintf(log, "warm-up %-52s %7.2fs\n", c.name, m.elapsed.Seconds())
			default:
				res.times[c.name] = append(res.times[c.name], m)
				res.notes[c.name] = note
			}
		}
	}
	return nil
}

// describeSetup puts the Nix version and the daemon into res's header
// and returns the daemon's endpoint.
func describeSetup(ctx context.Context, res *pipelineResult) (daemon.Endpoint, error) {
	v, err := nixbuild.Version(ctx, nixbuild.Options{})
	if err != nil {
		return daemon.Endpoint{}, err
	}
	ep, err := daemon.Resolve(os.Getenv)
	if err != nil {
		return ep, err
	}
	info, err := describe(ctx, ep.Host)
	if err != nil {
		return ep, fmt.Errorf("benchmarking the pipeline needs a Docker daemon (DOCKER_HOST): %w", err)
	}
	res.nix, res.engine = v, info.String()+" at "+ep.Host
	return ep, nil
}

// setUp prepares the slow project and the compiled targets binary under
// work and returns the commands to time, in the order of a run.
func setUp(ctx context.Context, root, work string, opts PipelineOptions) ([]timed, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOCACHE").Output()
	if err != nil {
		return nil, fmt.Errorf("asking go for its build cache: %w%s", err, stderrOf(err))
	}
	gocache := strings.TrimSpace(string(out))
	env := pipelineEnv(os.Environ(), filepath.Join(work, "cache"), gocache)
	goToolEnv := pipelineEnv(os.Environ(), filepath.Join(work, "cache-go-tool"), gocache)
	proj := filepath.Join(work, "project")
	fmt.Fprintf(opts.Log, "preparing the slow project in %s\n", proj)
	if err := prepareSlowProject(ctx, root, proj, env); err != nil {
		return nil, fmt.Errorf("preparing the slow project: %w", err)
	}
	bin := filepath.Join(work, "mage")
	compile := append(slices.Clone(opts.Mage), "-compile", bin)
	cmd := exec.CommandContext(ctx, compile[0], compile[1:]...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("compiling the magefiles: %w\n%s", err, out)
	}
	noop := func(out string) (string, error) { return "", requireCached(out, "build:ollama", "load:ollama") }
	inProject := func(args ...string) command { return command{dir: proj, env: env, args: args} }
	goTool := append(slices.Clone(opts.Mage), "-d", filepath.Join(root, "magefiles"), "-w", proj, "load:ollama")
	return []timed{
		{name: rowFloor, cmd: inProject(bin, "bench:floor")},
		{name: rowNoop, cmd: inProject(bin, "load:ollama"), check: noop},
		{name: rowNixFresh, cmd: inProject("nix", "build", "--no-link", "--no-eval-cache", ".#ollamaImage")},
		{name: rowNix, cmd: inProject("nix", "build", "--no-link", ".#ollamaImage")},
		{name: rowCI, cmd: inProject(bin, "ci"), check: ciAllCached},
		{name: rowGoTool, cmd: command{dir: root, env: goToolEnv, args: goTool}, check: noop},
	}, nil
}

// timed is one measurement of a run.
type timed struct {
	name string
	cmd  command
	// check reads what a timed run printed and returns a note for the
	// report, or why the run does not count; nil accepts every run.
	check func(out string) (string, error)
}

// command is a command line with its directory and whole environment.
type command struct {
	dir  string
	env  []string
	args []string
}

// run runs c and returns its wall time and everything it printed, stdout
// and stderr interleaved; on failure it returns a *commandError, which
// ends with the last of it.
func (c command) run(ctx context.Context) (measurement, string, error) {
	cmd := exec.CommandContext(ctx, c.args[0], c.args[1:]...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	m := measurement{elapsed: time.Since(start)}
	if err != nil {
		var tail limitedBuffer
		tail.Write([]byte(out.String())) //nolint:errcheck // never fails
		return m, out.String(), &commandError{args: c.args, err: err, stderr: tail.String()}
	}
	return m, out.String(), nil
}

// benchRefsPipeline are the references the slow project's images get in
// the daemon, which untag removes.
func benchRefsPipeline() []string {
	var refs []string
	for _, key := range []string{"harness", "ollama"} {
		refs = append(refs, "nanna-coder-"+key+":"+benchTag, "ghcr.io/local/nanna-coder/"+key+":"+benchTag)
	}
	return refs
}

// untag removes the slow project's references from the daemon; an image
// nothing else names goes with them. It reports what it could not remove.
func untag(ctx context.Context, ep daemon.Endpoint, log io.Writer) {
	c, err := daemon.Connect(ctx, ep)
	if err != nil {
		fmt.Fprintf(log, "removing the benchmark's images: %v\n", err)
		return
	}
	defer c.Close() //nolint:errcheck // nothing buffered
	for _, ref := range benchRefsPipeline() {
		if _, err := c.ImageRemove(ctx, ref, client.ImageRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			fmt.Fprintf(log, "removing %s: %v\n", ref, err)
		}
	}
}
