package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/dockerarchive"
	"github.com/nanna-coder/build/internal/nix2container"
)

// The measurements of bench:load, as the report names them.
const (
	rowDocker        = "docker load -i (prebuilt archive)"
	rowCold          = "load:json cold"
	rowTop           = "load:json after the top layer changed"
	rowRepeat        = "load:json repeat (whole go tool mage process)"
	rowInProcess     = "load.Image repeat (in process: our own work)"
	rowDockerPresent = "docker load -i, image already present"
	rowReload        = "reload of the unchanged image (load:json)"
	rowSkopeo        = "skopeo docker-archive: → docker-daemon:"
)

// benchRefs are the references the benchmark tags; cleaning removes them.
func benchRefs() []string {
	return []string{"nanna-bench:archive", "nanna-bench:latest", "nanna-bench:top", "nanna-bench:skopeo"}
}

// Load generates an image of 12 layers (300 MiB, or opts.SizeMiB) once and
// measures, on each of opts.Daemons in turn: docker load -i of it as a
// prebuilt archive, cold and with the image present; a cold load:json; a
// load:json after the top layer changed; a repeat load:json (the compiled
// magefiles, the whole go tool mage process, and daemon.Image in this
// process); skopeo's docker-archive → docker-daemon copy where skopeo can
// reach that engine; and the loader's peak RSS. A measurement that fails
// is reported as failed and not tried again; the other measurements and
// daemons still run. It returns an error only when nothing could be
// prepared or ctx ends.
func Load(ctx context.Context, opts Options) error {
	if len(opts.Daemons) == 0 {
		return errors.New("no daemon to benchmark")
	}
	s := sizeSpec(opts.SizeMiB)
	r, err := prepare(ctx, opts, s)
	if err != nil {
		return err
	}
	skopeo := ""
	if _, err := exec.LookPath("skopeo"); err == nil {
		skopeo = skopeoVersion(ctx)
	}
	reps := max(opts.Reps, 1)
	fmt.Fprintf(opts.Log, "bench:load: %d layers, %.0f MiB, median of %d rounds, on %d daemons\n", s.Layers, s.mib(), reps, len(opts.Daemons))
	for _, d := range opts.Daemons {
		res, err := r.onDaemon(ctx, d, skopeo, reps)
		printDaemon(opts.Log, res)
		if err != nil {
			return err
		}
	}
	return nil
}

// sizeSpec spreads mib MiB (0: 300) over 12 layers of 5 files.
func sizeSpec(mib int) spec {
	if mib <= 0 {
		mib = 300
	}
	return spec{Layers: 12, FilesPerLayer: 5, FileSize: max(int64(mib)<<20/60, 1)}
}

// runner holds what the measurements on every daemon share.
type runner struct {
	opts                      Options
	base, top, archive, local string
	img                       *nix2container.Image // the image of base
	ids                       []string
}

func prepare(ctx context.Context, opts Options, s spec) (*runner, error) {
	for _, tool := range []string{"docker", "nix-store"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("benchmarking needs %s on PATH: %w", tool, err)
		}
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	opts.Dir = dir
	r := &runner{opts: opts, base: filepath.Join(opts.Dir, "image.json"), top: filepath.Join(opts.Dir, "image-top.json"),
		archive: filepath.Join(opts.Dir, "archive.tar"), local: filepath.Join(opts.Dir, "mage")}
	fmt.Fprintf(opts.Log, "generating %d layers of %.1f MiB under %s\n", s.Layers, float64(int64(s.FilesPerLayer)*s.FileSize)/(1<<20), opts.Dir)
	seeds := make([]uint64, s.Layers)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	base, err := genImage(ctx, opts.Dir, r.base, seeds, s)
	if err != nil {
		return nil, err
	}
	seeds[len(seeds)-1] = 1000
	top, err := genImage(ctx, opts.Dir, r.top, seeds, s)
	if err != nil {
		return nil, err
	}
	r.img = base
	for _, img := range []*nix2container.Image{base, top} {
		d, err := img.ConfigDigest()
		if err != nil {
			return nil, err
		}
		r.ids = append(r.ids, d.String())
	}
	if err := writeArchiveFile(ctx, r.archive, base); err != nil {
		return nil, err
	}
	compile := append(slices.Clone(opts.Mage), "-compile", r.local)
	if out, err := exec.CommandContext(ctx, compile[0], compile[1:]...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("compiling the magefiles: %w\n%s", err, out)
	}
	return r, nil
}

func writeArchiveFile(ctx context.Context, path string, img *nix2container.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = dockerarchive.Write(ctx, f, img, []string{"nanna-bench:archive"}, nix2container.Store{})
	return errors.Join(err, f.Close())
}

// onDaemon runs every round on d. The error is ctx's, when it ends.
func (r *runner) onDaemon(ctx context.Context, d Daemon, skopeo string, reps int) (daemonResult, error) {
	res := daemonResult{daemon: d, times: map[string][]measurement{}, failed: map[string]string{}}
	res.info, res.err = describe(ctx, d.Host)
	if res.err != nil {
		return res, ctx.Err()
	}
	res.skopeo = skopeoBlocked(skopeo, res.info.MinAPI)
	env := []string{"DOCKER_HOST=" + d.Host}
	defer r.clean(context.WithoutCancel(ctx), env)
	for round := range reps {
		fmt.Fprintf(r.opts.Log, "%s: round %d of %d\n", d.Host, round+1, reps)
		for _, st := range r.steps(d, env, res.skopeo == "") {
			if _, failed := res.failed[st.name]; failed {
				continue
			}
			if st.cold {
				r.clean(ctx, env)
			}
			m, err := st.run(ctx)
			if ctx.Err() != nil {
				return res, context.Cause(ctx)
			}
			if err != nil {
				res.failed[st.name] = summary(err)
				fmt.Fprintf(r.opts.Log, "  %s: load failed: %s\n", st.name, res.failed[st.name])
				continue
			}
			res.times[st.name] = append(res.times[st.name], m)
		}
		res.rounds++
	}
	return res, nil
}

// step is one measurement of a round.
type step struct {
	name string
	run  func(ctx context.Context) (measurement, error)
	cold bool // remove the benchmark images first
}

// steps are one round on d, in order: each finds the daemon in the state
// the one before left.
func (r *runner) steps(d Daemon, env []string, skopeo bool) []step {
	command := func(name string, cold bool, args ...string) step {
		return step{name: name, cold: cold, run: func(ctx context.Context) (measurement, error) { return timeCommand(ctx, env, args) }}
	}
	steps := []step{
		command(rowDocker, true, "docker", "load", "-q", "-i", r.archive),
		command(rowDockerPresent, false, "docker", "load", "-q", "-i", r.archive),
		command(rowCold, true, r.local, "load:json", r.base, "nanna-bench:latest"),
		command(rowReload, false, r.local, "load:json", r.base, "nanna-bench:latest"),
		command(rowRepeat, false, append(slices.Clone(r.opts.Mage), "load:json", r.base, "nanna-bench:latest")...),
		{name: rowInProcess, run: func(ctx context.Context) (measurement, error) { return r.loadInProcess(ctx, d) }},
		command(rowTop, false, r.local, "load:json", r.top, "nanna-bench:top"),
	}
	if skopeo {
		steps = append(steps, command(rowSkopeo, true, "skopeo", "--insecure-policy", "copy", "-q",
			"--dest-daemon-host", d.Host, "docker-archive:"+r.archive, "docker-daemon:nanna-bench:skopeo"))
	}
	return steps
}

// loadInProcess times daemon.Image of the base image, which the daemon
// holds: the loader's own work without process start-up.
func (r *runner) loadInProcess(ctx context.Context, d Daemon) (measurement, error) {
	getenv := func(k string) string {
		if k == "DOCKER_HOST" {
			return d.Host
		}
		return os.Getenv(k)
	}
	start := time.Now()
	_, err := daemon.Image(ctx, daemon.DialEnv(getenv), r.img, daemon.Options{Refs: []string{"nanna-bench:latest"}})
	return measurement{elapsed: time.Since(start)}, err
}

// clean removes the benchmark images, so that the next load is cold.
func (r *runner) clean(ctx context.Context, env []string) {
	args := append(append([]string{"docker", "rmi", "-f"}, benchRefs()...), r.ids...)
	_, _ = timeCommand(ctx, env, args) // missing images are fine
}
