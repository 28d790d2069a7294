// Package integration holds the end-to-end tests of the targets (build tag integration): they compile the magefiles and run them as a user does, from the repository root, against the real Docker Engine of DOCKER_HOST, Nix, skopeo and registries.
package integration
