package config

import (
	"slices"
	"time"
)

// Defaults returns the configuration nix/container-config.nix evaluates to
// in the environment getenv describes, for machines without Nix. It reads
// the same variables: CONTAINER_REGISTRY, GITHUB_REPOSITORY, GITHUB_SHA,
// GITHUB_REF_NAME, VERSION and CONTAINER_LOAD_VERBOSE; Config.Env lists
// the variables it read. A nil getenv means an empty environment; pass
// os.Getenv for the process's.
//
// Keep it in step with the .nix file; the tests compare them.
func Defaults(getenv func(string) string) Config {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var read []string
	lookup := func(name string) string {
		read = append(read, name)
		return getenv(name)
	}
	env := func(name, def string) string {
		if v := lookup(name); v != "" {
			return v
		}
		return def
	}
	ollamaVersion := []string{"ollama", "--version"}
	images := []Image{
		smoke(newImage("harness", "nanna-coder-harness", false), "harness", "--help"),
		smoke(newImage("ollama", "nanna-coder-ollama", false), ollamaVersion...),
		smoke(newImage("qwen3", "nanna-coder-ollama-qwen3", true), ollamaVersion...),
		smoke(newImage("llama3", "nanna-coder-ollama-llama3", true), ollamaVersion...),
		smoke(newImage("mistral", "nanna-coder-ollama-mistral", true), ollamaVersion...),
		smoke(newImage("gemma", "nanna-coder-ollama-gemma", true), ollamaVersion...),
	}
	sortImages(images)
	c := Config{
		Registry: Registry{
			URL:        env("CONTAINER_REGISTRY", "ghcr.io"),
			Repository: env("GITHUB_REPOSITORY", "local/nanna-coder"),
		},
		Images: images,
		Tags: Tags{
			Default:    "latest",
			FromCommit: env("GITHUB_SHA", ""),
			FromBranch: env("GITHUB_REF_NAME", "main"),
			Semver:     env("VERSION", ""),
		},
		Loading: Loading{
			Method:  MethodNative,
			Retries: Retries{MaxAttempts: 3, Delay: 5 * time.Second},
			Timeout: 300 * time.Second,
			Verbose: lookup("CONTAINER_LOAD_VERBOSE") == "true",
		},
	}
	slices.Sort(read)
	c.Env = slices.Compact(read)
	return c
}

// smoke gives img the smoke command cmd with the default time limit.
func smoke(img Image, cmd ...string) Image {
	img.Smoke = slices.Clone(cmd)
	img.SmokeTimeout = 60 * time.Second
	return img
}
