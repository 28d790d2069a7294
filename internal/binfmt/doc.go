// Package binfmt registers static QEMU user emulators with the kernel's
// binfmt_misc, checks them and removes them, so that this machine runs and
// builds Linux binaries of other architectures (arm64 first) on the host,
// in containers and in the Nix build sandbox.
//
// Existing registrations are found by what they match, not by their names:
// every entry's masked magic is applied to an ELF header of the platform,
// the way the kernel does. New entries get the F flag (the kernel opens the
// interpreter once, so it works where its path is not visible) and never C
// unless asked for. Each platform is verified by running a tiny program of
// that architecture, embedded in this package, inside an empty chroot.
package binfmt
