package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
)

// Run generates the tree (once; it is kept in Dir), then times models:hash
// (the compiled magefile) and nix hash path on it, alternating, after one
// warm-up run of each so that both read from the page cache, and prints
// seconds, throughput, the ratio and peak memory. It fails if the two
// hashes differ.
func Hash(ctx context.Context, opts Options) error {
	for _, tool := range []string{"nix"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("benchmarking hashes needs %s on PATH: %w", tool, err)
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return err
	}
	tree, err := generate(ctx, opts.Dir, opts.Log)
	if err != nil {
		return fmt.Errorf("generating the tree: %w", err)
	}
	bin, err := filepath.Abs(filepath.Join(opts.Dir, "mage"))
	if err != nil {
		return err
	}
	compile := append(slices.Clone(opts.Mage), "-compile", bin)
	if out, err := exec.CommandContext(ctx, compile[0], compile[1:]...).CombinedOutput(); err != nil {
		return fmt.Errorf("compiling the magefiles: %w\n%s", err, out)
	}
	cmds := []struct {
		name string
		args []string
	}{
		{"models:hash", []string{bin, "models:hash", tree}},
		{"nix hash path", []string{"nix", "--extra-experimental-features", "nix-command", "hash", "path", tree}},
	}
	reps := max(opts.Reps, 1)
	results := map[string][]measurement{}
	for rep := range reps + 1 {
		for _, c := range cmds {
			m, err := timeCommand(ctx, nil, c.args)
			if err != nil {
				return fmt.Errorf("measuring %s: %w", c.name, err)
			}
			if rep == 0 {
				fmt.Fprintf(opts.Log, "warm-up %-14s %.2fs\n", c.name, m.elapsed.Seconds())
				continue
			}
			results[c.name] = append(results[c.name], m)
		}
	}
	narSize, err := treeBytes(tree)
	if err != nil {
		return err
	}
	return printHashReport(opts.Log, narSize, reps, results)
}

// treeBytes is the total size of the regular files in tree.
func treeBytes(tree string) (int64, error) {
	var n int64
	err := filepath.WalkDir(tree, func(_ string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	return n, err
}

func printHashReport(w io.Writer, bytes int64, reps int, results map[string][]measurement) error {
	goM, nixM := median(results["models:hash"]), median(results["nix hash path"])
	peak := func(ms []measurement) int64 {
		var p int64
		for _, m := range ms {
			p = max(p, m.maxRSS)
		}
		return p
	}
	fmt.Fprintf(w, "\nbench:hash: %.2f GiB of files, median of %d runs each, page cache warm\n", float64(bytes)/(1<<30), reps)
	fmt.Fprintf(w, "%-16s %9s %10s %12s %14s\n", "command", "seconds", "MB/s", "peak RSS", "ratio")
	line := func(name string, m measurement, rss int64, ratio string) {
		fmt.Fprintf(w, "%-16s %9.3f %10.0f %8.1f MiB %14s\n", name, m.elapsed.Seconds(), float64(bytes)/1e6/m.elapsed.Seconds(), float64(rss)/(1<<20), ratio)
	}
	line("nix hash path", nixM, peak(results["nix hash path"]), "1.00")
	r := goM.elapsed.Seconds() / nixM.elapsed.Seconds()
	line("models:hash", goM, peak(results["models:hash"]), fmt.Sprintf("%.2f× nix", r))
	verdict := "met"
	if r > 1.0 {
		verdict = "NOT met"
	}
	fmt.Fprintf(w, "target (models:hash at least as fast as nix hash path): %s\n", verdict)
	fmt.Fprintf(w, "hash: %s\n", goM.output)
	if goM.output != nixM.output {
		return errors.New("benchmarking hashes: models:hash printed " + goM.output + ", nix hash path " + nixM.output)
	}
	return nil
}
