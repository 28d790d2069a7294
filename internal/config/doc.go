// Package config reads the container configuration from nix/container-config.nix, with built-in defaults where Nix is absent.
package config
