package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/nanna-coder/build/internal/load"
	"github.com/nanna-coder/build/internal/nix2container"
)

// Load generates a ~300 MB image of 12 layers and measures, against the same
// daemon: docker load of the image as a prebuilt archive, a cold load:json,
// a repeat load:json (the whole go tool mage process), a load:json after the
// top layer changed, skopeo's docker-archive → docker-daemon copy when skopeo
// is installed, and the loader's peak RSS.
func Load(ctx context.Context, opts Options) error {
	s := spec{Layers: 12, FilesPerLayer: 5, FileSize: 5 << 20}
	r, err := prepare(ctx, opts, s)
	if err != nil {
		return err
	}
	defer r.clean(context.WithoutCancel(ctx))
	results := map[string][]measurement{}
	for rep := range max(opts.Reps, 1) {
		fmt.Fprintf(opts.Log, "round %d of %d\n", rep+1, max(opts.Reps, 1))
		for _, step := range r.steps() {
			if step.cold {
				r.clean(ctx)
			}
			m, err := timeCommand(ctx, step.args)
			if err != nil {
				return fmt.Errorf("measuring %s: %w", step.name, err)
			}
			results[step.name] = append(results[step.name], m)
		}
	}
	printReport(opts.Log, s, results)
	return nil
}

// runner holds what the measurements share.
type runner struct {
	opts                      Options
	base, top, archive, local string
	ids                       []string
}

type step struct {
	name string
	args []string
	cold bool // remove the benchmark images first
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
	fmt.Fprintf(opts.Log, "generating %d layers of %d MiB under %s\n", s.Layers, int64(s.FilesPerLayer)*s.FileSize>>20, opts.Dir)
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
	err = load.WriteArchive(ctx, f, img, []string{"nanna-bench:archive"}, nix2container.Store{})
	return errors.Join(err, f.Close())
}

func (r *runner) steps() []step {
	gotool := append(slices.Clone(r.opts.Mage), "load:json", r.base, "nanna-bench:latest")
	steps := []step{
		{"docker load -i (prebuilt archive)", []string{"docker", "load", "-q", "-i", r.archive}, true},
		{"load:json cold", []string{r.local, "load:json", r.base, "nanna-bench:latest"}, true},
		{"load:json repeat (go tool mage)", gotool, false},
		{"load:json top layer changed", []string{r.local, "load:json", r.top, "nanna-bench:top"}, false},
	}
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		if _, err := exec.LookPath("skopeo"); err == nil {
			steps = append(steps, step{"skopeo copy docker-archive: → docker-daemon:", []string{"skopeo", "--insecure-policy", "copy", "-q",
				"--dest-daemon-host", host, "docker-archive:" + r.archive, "docker-daemon:nanna-bench:skopeo"}, true})
		}
	}
	return steps
}

// clean removes the benchmark images, so that the next load is cold.
func (r *runner) clean(ctx context.Context) {
	for _, id := range r.ids {
		_ = exec.CommandContext(ctx, "docker", "rmi", "-f", id).Run()
	}
}
