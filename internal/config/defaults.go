package config

import "time"

// Defaults returns the configuration nix/container-config.nix evaluates to
// in the environment getenv describes, for machines without Nix. It reads
// the same variables: CONTAINER_REGISTRY, GITHUB_REPOSITORY, GITHUB_SHA,
// GITHUB_REF_NAME, VERSION and CONTAINER_LOAD_VERBOSE. A nil getenv means
// an empty environment; pass os.Getenv for the process's.
//
// Keep it in step with the .nix file; the integration tests compare them.
func Defaults(getenv func(string) string) Config {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	images := []Image{
		newImage("harness", "nanna-coder-harness", false),
		newImage("ollama", "nanna-coder-ollama", false),
		newImage("qwen3", "nanna-coder-ollama-qwen3", true),
		newImage("llama3", "nanna-coder-ollama-llama3", true),
		newImage("mistral", "nanna-coder-ollama-mistral", true),
		newImage("gemma", "nanna-coder-ollama-gemma", true),
	}
	sortImages(images)
	return Config{
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
			Verbose: getenv("CONTAINER_LOAD_VERBOSE") == "true",
		},
	}
}
