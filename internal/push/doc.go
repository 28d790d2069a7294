// Package push publishes nix2container images and multi-arch indexes to OCI registries, streaming each layer from /nix/store, verified, and sending only the blobs a registry lacks.
package push
