// Package tasks is nanna-coder's pipeline: nix:check, the builds, loads and
// smoke tests of the configured images, models:check and the pushes, as
// [pipeline.Step]s over a [project.Project], each with the inputs that key
// its cache and the check that its output still exists.
//
// The steps, with what each needs:
//
//	nix:check                       the flake checks (independent)
//	build:KEY  → build:all          nix build of the image's JSON
//	load:KEY   → load:all           build:KEY; load into the daemon
//	smoke:KEY  → smoke              load:KEY; the image's smoke command
//	models:check                    nix/models.nix pins (independent)
//	push:KEY   → push:all           build:KEY, smoke:KEY, nix:check, models:check
//
// `mage ci` runs them all; each target (load:image NAME, build:all, …) runs
// its step and what that step needs, through the same cache.
package tasks
