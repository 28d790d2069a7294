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
