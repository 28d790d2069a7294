// Package bench measures this module against the reference tools in one run and reports ratios: loading (docker load), hashing (nix hash path), and the pipeline's warm no-ops (nix build, and the targets binary's start-up floor).
package bench
