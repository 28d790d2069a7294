// Package demo runs the first-run demo: it builds a small image from the
// input-less flake in demo/ with a real `nix build`, loads it with the
// project's loader and runs it through the Docker Engine API, offline.
package demo
