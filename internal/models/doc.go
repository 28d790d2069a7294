// Package models pins the Ollama models of nix/models.nix: it reads the file with Nix, computes a model's fixed-output hash natively, and rewrites that one hash in the file's text.
package models
