// Package hashbench measures models:hash against nix hash path on a generated 1 GiB tree of mixed file sizes, in one run.
package hashbench
