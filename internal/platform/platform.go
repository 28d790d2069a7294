package platform

import (
	"runtime"

	ispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Platform is a Linux platform: an architecture and the variant its
// spelling names, as in the OCI image-spec. Values compare equal when they
// were spelled alike; Normalize makes every spelling of a platform equal.
// A Platform from Parse or All is one the package knows; the methods
// giving other names return "" for one it does not.
type Platform struct {
	// Architecture is the image-spec architecture, which is also GOARCH and
	// the "arch" nix2container writes into image JSONs: "arm64", "arm",
	// "amd64", …
	Architecture string
	// Variant is the image-spec variant when the spelling names one ("v7"
	// for armv7l or linux/arm/v7, "v8" for linux/arm64/v8), else "":
	// nix2container's configs name none, and an index entry should not claim
	// more than the config it points to.
	Variant string
}

// All returns every platform the package knows, normalized, arm64 first.
func All() []Platform {
	var out []Platform
	for _, r := range table() {
		out = append(out, r.platform)
	}
	return out
}

// Normalize returns p with the variant runtimes assume (as containerd's
// platforms.Normalize): arm is arm/v7, arm64/v8 is arm64. Unknown
// platforms are returned unchanged.
func (p Platform) Normalize() Platform {
	if r, ok := lookup(p); ok {
		return r.platform
	}
	return p
}

// OS returns the image-spec os: always "linux".
func (p Platform) OS() string { return "linux" }

// String returns the Docker and OCI platform, such as "linux/arm64" or
// "linux/arm/v7".
func (p Platform) String() string {
	s := "linux/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// OCI returns p as an image-spec platform, for an index entry.
func (p Platform) OCI() ispec.Platform {
	return ispec.Platform{OS: p.OS(), Architecture: p.Architecture, Variant: p.Variant}
}

// GOARCH returns p's GOARCH, also the "arch" nix2container writes into an
// image JSON (buildImage's arch, pkgs.go.GOARCH by default).
func (p Platform) GOARCH() string { return p.Architecture }

// System returns Nix's system name for p, such as "aarch64-linux".
func (p Platform) System() string {
	r, _ := lookup(p)
	return r.system
}

// QEMU returns QEMU's name for p's architecture, as in qemu-aarch64-static.
func (p Platform) QEMU() string {
	r, _ := lookup(p)
	return r.qemu
}

// Native reports whether p is this machine's own architecture, which needs
// no emulation.
func (p Platform) Native() bool { return p.Architecture == runtime.GOARCH }
