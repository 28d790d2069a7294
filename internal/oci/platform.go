package oci

import (
	"fmt"
	"regexp"
	"strings"

	ispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// archAliases maps the names people and Nix use for architectures to
// GOARCH, the spelling of nix2container's "arch" and of OCI platforms.
var archAliases = map[string]string{
	"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armv7l": "arm", "armv6l": "arm", "armhf": "arm",
	"i386": "386", "i686": "386", "powerpc64le": "ppc64le", "riscv64": "riscv64", "s390x": "s390x",
}

// variantPattern accepts ARM variants such as v6, v7, v8.
var variantPattern = regexp.MustCompile(`^v[0-9]+$`)

// ParsePlatform reads a platform as written on a command line: "amd64",
// "arm64", "linux/arm64", "arm/v6", "linux/arm/v7", or a Nix or uname name
// ("x86_64", "aarch64", "armv7l"). The OS is always linux. The variant is
// set only when given (or implied: armv6l, armv7l): nix2container's config has none, and
// an index entry should not claim more than the config it points to
// (runtimes take arm64 as v8 and arm as v7 by default).
func ParsePlatform(s string) (ispec.Platform, error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if parts[0] == "linux" {
		parts = parts[1:]
	}
	if len(parts) == 0 || len(parts) > 2 || parts[0] == "" {
		return ispec.Platform{}, fmt.Errorf("invalid platform %q: want ARCH, ARCH/VARIANT or linux/ARCH[/VARIANT], such as amd64 or linux/arm64", s)
	}
	arch := strings.ToLower(parts[0])
	variant := ""
	switch arch {
	case "armv6l":
		variant = "v6"
	case "armv7l":
		variant = "v7"
	}
	if a, ok := archAliases[arch]; ok {
		arch = a
	}
	if len(parts) == 2 {
		variant = strings.ToLower(parts[1])
		if !variantPattern.MatchString(variant) {
			return ispec.Platform{}, fmt.Errorf("invalid platform %q: variant %q is not v5, v6, v7, v8, …", s, parts[1])
		}
	}
	return ispec.Platform{OS: "linux", Architecture: arch, Variant: variant}, nil
}

// PlatformFor returns the platform of an index entry named key (see
// ParsePlatform) for an image whose JSON says arch, and fails unless they
// name the same architecture: an arm64 key needs an image built for arm64.
func PlatformFor(key, arch string) (ispec.Platform, error) {
	p, err := ParsePlatform(key)
	if err != nil {
		return p, err
	}
	if arch == "" {
		return p, fmt.Errorf("platform %s: the image JSON has no arch (built by image-from-dir?); it cannot go into a multi-arch index", key)
	}
	if a, ok := archAliases[arch]; ok {
		arch = a
	}
	if arch != p.Architecture {
		return p, fmt.Errorf("platform %s: the image JSON is for %s, not %s (build it for %s, e.g. with buildImage { arch = %q; })", key, arch, p.Architecture, p.Architecture, p.Architecture)
	}
	return p, nil
}

// PlatformString formats a platform as linux/ARCH[/VARIANT].
func PlatformString(p ispec.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}
