// Package narhash computes the SHA-256 of the Nix archive (NAR) serialisation of a file tree: the hash `nix hash path` prints and a recursive fixed-output derivation checks.
package narhash
