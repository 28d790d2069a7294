package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/ollama"
	"github.com/nanna-coder/build/internal/ui"
)

// TreeDir is the directory of the model derivation's output that holds
// Ollama's models directory: the builder runs `ollama pull` with
// OLLAMA_MODELS=$out/models, so the pinned hash is the NAR hash of
// $out = {models/manifests/<host>/<ns>/<model>/<tag>, models/blobs/sha256-<hex>}.
const TreeDir = "models"

// computed is a model's hash computed from its files.
type computed struct {
	name     ollama.Name
	manifest *ollama.Manifest
	hash     narhash.Hash
	source   string // where the files came from, for messages
}

// compute fetches the model into the cache, or reads it from opts.From,
// and returns the NAR hash of the model derivation's output for it.
func compute(ctx context.Context, m Model, opts Options) (computed, error) {
	name, err := ollama.ParseName(m.Name)
	if err != nil {
		return computed{}, err
	}
	c := computed{name: name}
	var dir ollama.ModelsDir
	if opts.From != "" {
		dir = ollama.ModelsDir{Path: modelsDir(opts.From)}
		c.source = dir.Path
		if c.manifest, err = dir.ReadManifest(name); err != nil {
			return computed{}, err
		}
	} else {
		if opts.Cache == "" {
			return computed{}, errors.New("no download cache directory (NANNA_MODELS_CACHE)")
		}
		base := opts.Registry
		if base == "" {
			base = name.RegistryURL()
		}
		client := ollama.NewClient(base)
		dir = ollama.ModelsDir{Path: opts.Cache}
		c.source = client.Base
		fmt.Fprintf(ui.Or(opts.Log), "pulling %s from %s into %s\n", name, client.Base, opts.Cache)
		if c.manifest, err = dir.Pull(ctx, client, name, opts.pullOptions()); err != nil {
			return computed{}, err
		}
	}
	files, err := dir.Files(name, c.manifest)
	if err != nil {
		return computed{}, err
	}
	var total int64
	for i := range files {
		files[i].Path = TreeDir + "/" + files[i].Path
		total += files[i].Size
	}
	bar := ui.NewBar(ui.Or(opts.Log), opts.Progress, "hashing "+name.String(), total, ui.Decimal)
	for i := range files {
		open := files[i].Open
		files[i].Open = func() (io.ReadCloser, error) {
			r, err := open()
			if err != nil {
				return nil, err
			}
			return countingReader{r, bar}, nil
		}
	}
	c.hash, err = narhash.Files(ctx, files)
	bar.Done()
	var de *ollama.DigestError
	if errors.As(err, &de) && opts.From == "" && strings.HasPrefix(de.Path, opts.Cache) {
		os.Remove(de.Path)
		return computed{}, fmt.Errorf("%w; removed it from the cache: run again to download it", err)
	}
	if err != nil {
		return computed{}, err
	}
	return c, nil
}

type countingReader struct {
	io.ReadCloser
	bar *ui.Bar
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.bar.Add(int64(n))
	return n, err
}

// modelsDir returns dir, or dir/models when dir is a model derivation's
// output (or a copy of a model image's root) rather than the models
// directory itself.
func modelsDir(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "manifests")); err == nil {
		return dir
	}
	if _, err := os.Stat(filepath.Join(dir, TreeDir, "manifests")); err == nil {
		return filepath.Join(dir, TreeDir)
	}
	return dir
}
