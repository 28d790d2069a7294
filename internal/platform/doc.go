// Package platform names the Linux platforms the project builds and emulates, in one table that reads every
// spelling Go, the OCI image-spec, Docker, Nix, QEMU and uname use (arm64, aarch64, aarch64-linux, linux/arm64,
// armv7l, linux/arm/v7, …) and gives each platform's name in all of them.
package platform
