// Package nix2container reads nix2container image JSON files and reproduces their config blob and layer tar streams byte for byte.
package nix2container
