// Package images builds nanna-coder's images with Nix and loads them into a Docker Engine: the workflows behind the load targets.
package images
