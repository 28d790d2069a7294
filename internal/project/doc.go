// Package project is nanna-coder's repository as the targets see it: its
// configuration (nix/container-config.nix), its flake and the environment,
// read once by [Open], and the workflows over them — build with Nix, load
// into a Docker Engine or Podman, push to a registry, export to files, run.
//
// Every target opens the project once and calls one method. Errors that
// name a mage flag or a configuration key get those hints here, where it is
// known where a value came from; the packages below speak in their own
// terms.
package project
