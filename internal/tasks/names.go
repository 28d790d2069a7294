package tasks

// Step names of the aggregates and of the per-image steps.
const (
	NixCheck    = "nix:check"
	ModelsCheck = "models:check"
	BuildAll    = "build:all"
	LoadAll     = "load:all"
	SmokeAll    = "smoke"
	PushAll     = "push:all"
)

// Build, Load, Smoke and Push name the steps of the image with key.
func Build(key string) string { return "build:" + key }

// Load names the step that loads the image with key.
func Load(key string) string { return "load:" + key }

// Smoke names the step that runs the smoke command of the image with key.
func Smoke(key string) string { return "smoke:" + key }

// Push names the step that pushes the image with key.
func Push(key string) string { return "push:" + key }

// Expand returns targets with each aggregate (build:all, load:all, smoke,
// push:all) replaced by the per-image steps it stands for, keys being the
// configured images' keys: the steps whose results a target's user asked
// to see.
func Expand(targets, keys []string) []string {
	per := map[string]func(string) string{BuildAll: Build, LoadAll: Load, SmokeAll: Smoke, PushAll: Push}
	var out []string
	for _, t := range targets {
		step, ok := per[t]
		if !ok {
			out = append(out, t)
			continue
		}
		for _, k := range keys {
			out = append(out, step(k))
		}
	}
	return out
}
