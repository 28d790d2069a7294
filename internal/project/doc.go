// Package images builds nanna-coder's images with Nix and loads them into a Docker Engine or pushes them to a registry: the workflows behind the load and push targets.
package project
