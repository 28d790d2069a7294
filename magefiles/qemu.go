//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/binfmt"
)

// Qemu sets up QEMU user emulation (binfmt_misc) so this machine runs and builds arm64 and other Linux binaries.
type Qemu mg.Namespace

// Setup registers a static QEMU for PLATFORMS with binfmt_misc (flag F, no C), verifies it in an empty chroot and checks Nix's extra-platforms.
//
// PLATFORMS is one comma-separated argument: arm64, arm, riscv64, ppc64le,
// s390x, amd64, in any spelling (aarch64, aarch64-linux, linux/arm64,
// armv7l, linux/arm/v7, x86_64, …); "" means arm64 and all means every
// non-native one; qemu:arm64 is the no-argument form.
// Existing entries are found by what they match, whatever installed them.
// Needs root when something must change; a second run changes nothing.
func (Qemu) Setup(ctx context.Context, platforms string,
	qemu *string, // static QEMU to register, or a directory of them (default: PATH, /usr/bin)
	persist *bool, // also write /etc/binfmt.d/qemu-<arch>.conf, which systemd-binfmt registers at boot
	writeNixConf *bool, // add the platforms' systems to extra-platforms in /etc/nix/nix.conf
	credentials *bool, // also set the C flag, for setuid programs under emulation: lets any local user gain root
	nix *bool, // false skips the Nix check
) error {
	ps, err := binfmt.ParsePlatforms(platforms)
	if err != nil {
		return err
	}
	_, err = binfmt.Setup(ctx, ps, binfmt.Options{
		Log: os.Stderr, Interpreter: flagOr(qemu, ""), Persist: flagOr(persist, false),
		WriteNixConf: flagOr(writeNixConf, false), Credentials: flagOr(credentials, false),
		SkipNix: !flagOr(nix, true), Getenv: os.Getenv,
	})
	return err
}

// Arm64 sets up arm64 emulation with the defaults (qemu:setup arm64).
func (Qemu) Arm64(ctx context.Context) error {
	return Qemu{}.Setup(ctx, "arm64", nil, nil, nil, nil, nil)
}

// Status prints a table of every platform's emulation and Nix support and fails unless PLATFORMS ("" = arm64, all) are ready.
//
// Ready means an enabled entry with F claims the platform, its probe runs
// (in an empty chroot as root) and, if Nix is installed, Nix builds for it.
func (Qemu) Status(ctx context.Context, platforms string,
	nix *bool, // false does not require Nix to build for the platforms
) error {
	ps, err := binfmt.ParsePlatforms(platforms)
	if err != nil {
		return err
	}
	_, err = binfmt.Status(ctx, ps, binfmt.Options{Log: os.Stdout, SkipNix: !flagOr(nix, true), Getenv: os.Getenv})
	return err
}

// Remove unregisters the binfmt_misc entries that run PLATFORMS ("" = arm64, all), whatever installed them; other entries stay.
func (Qemu) Remove(ctx context.Context, platforms string,
	persist *bool, // also delete the /etc/binfmt.d files that register only these platforms
) error {
	ps, err := binfmt.ParsePlatforms(platforms)
	if err != nil {
		return err
	}
	_, err = binfmt.Remove(ctx, ps, binfmt.Options{Log: os.Stderr, Persist: flagOr(persist, false), Getenv: os.Getenv})
	return err
}

// flagOr returns *p, or def for an absent flag.
func flagOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
