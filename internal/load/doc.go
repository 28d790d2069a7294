// Package load streams Nix-built images into a Docker Engine, sending only the layers the daemon lacks.
package load
