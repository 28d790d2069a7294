package models

import (
	"errors"
	"io"
	"path/filepath"

	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/ollama"
)

// Environment variables OptionsFromEnv reads.
const (
	// RegistryEnv overrides the registry models are downloaded from.
	RegistryEnv = "OLLAMA_REGISTRY"
	// CacheEnv overrides the download cache directory.
	CacheEnv = "NANNA_MODELS_CACHE"
)

// DefaultRegistry is where models named without a host come from unless
// RegistryEnv says otherwise.
const DefaultRegistry = "https://" + ollama.DefaultHost

// Options configure the model workflows. OptionsFromEnv fills them from the
// environment; the zero value of every other field is usable.
type Options struct {
	// File is the models file, nix/models.nix. Tests point it at a copy.
	File string
	// Registry is the base URL blobs and manifests are downloaded from
	// (OLLAMA_REGISTRY), such as "https://registry.ollama.ai" or a mirror;
	// empty means https:// and the host in the model's name. The layout
	// and the hash always use the host in the name, so a mirror yields
	// the same pin.
	Registry string
	// Cache is the download cache (NANNA_MODELS_CACHE), an Ollama models
	// directory: OLLAMA_MODELS can point at it.
	Cache string
	// From is an Ollama models directory to take the model from instead of
	// downloading it; only that model's manifest and blobs are read.
	From string
	// DryRun prints the change to File instead of writing it.
	DryRun bool
	// Out receives results (the table, the pin summary); nil discards.
	Out io.Writer
	// Log receives progress lines and bars; nil discards.
	Log io.Writer
	// Progress draws progress bars on Log (set it when Log is a terminal).
	Progress bool
	// Pull tunes downloads (attempts, delays); its Log and Progress are
	// taken from Log and Progress.
	Pull ollama.PullOptions

	eval nixbuild.Evaluator // nil: nix eval
	fs   fileSystem
}

// OptionsFromEnv returns Options for the repository at root with File,
// Registry and Cache taken from the environment: OLLAMA_REGISTRY (unset:
// the host in the model's name, https://registry.ollama.ai for
// "llama3:8b"), and NANNA_MODELS_CACHE, else
// $XDG_CACHE_HOME/nanna-coder/models, else ~/.cache/nanna-coder/models.
func OptionsFromEnv(root string, getenv func(string) string) (Options, error) {
	opts := Options{File: filepath.Join(root, File), Registry: getenv(RegistryEnv), Cache: getenv(CacheEnv)}
	if opts.Cache == "" {
		base := getenv("XDG_CACHE_HOME")
		if base == "" {
			home := getenv("HOME")
			if home == "" {
				return Options{}, errors.New("finding the model cache: neither NANNA_MODELS_CACHE, XDG_CACHE_HOME nor HOME is set")
			}
			base = filepath.Join(home, ".cache")
		}
		opts.Cache = filepath.Join(base, "nanna-coder", "models")
	}
	return opts, nil
}

func (o Options) evaluator() nixbuild.Evaluator {
	if o.eval != nil {
		return o.eval
	}
	return nixbuild.FileEvaluator(nixbuild.Options{})
}

func (o Options) fileSystem() fileSystem {
	if o.fs != nil {
		return o.fs
	}
	return osFS{}
}

func (o Options) pullOptions() ollama.PullOptions {
	p := o.Pull
	p.Log, p.Progress = o.Log, o.Progress
	return p
}
