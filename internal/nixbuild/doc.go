// Package nixbuild runs nix build and nix eval and returns their structured results.
package nixbuild
