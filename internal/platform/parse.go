package platform

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnknown means a platform name is none of the spellings Parse accepts.
var ErrUnknown = errors.New("unknown platform")

// Parse reads one platform in any of its spellings: GOARCH (arm64), Docker
// or OCI (linux/arm64, linux/arm/v7, arm/v7), Nix (aarch64-linux), uname or
// QEMU (aarch64, armv7l, x86_64), case and surrounding spaces ignored. The
// variant is set only when the spelling names one (see Platform.Variant).
// An unknown name gives one line wrapping ErrUnknown that lists every
// accepted spelling.
func Parse(s string) (Platform, error) { return ParseIn(s, All()) }

// ParseIn is Parse limited to the platforms in allowed (compared
// normalized): a package that supports only some platforms accepts every
// spelling of those and lists only those when the name is unknown.
func ParseIn(s string, allowed []Platform) (Platform, error) {
	name := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "linux/")
	for _, r := range supported(allowed) {
		for _, a := range r.aliases {
			if a.name == name {
				return Platform{r.platform.Architecture, a.variant}, nil
			}
		}
	}
	return Platform{}, fmt.Errorf("%w %q: want %s", ErrUnknown, s, Spellings(allowed))
}

// Spellings describes, on one line, the spellings Parse accepts for the
// platforms in allowed: "arm64 (aarch64, aarch64-linux, arm64/v8), arm (…),
// …, each also as linux/NAME".
func Spellings(allowed []Platform) string {
	var groups []string
	for _, r := range supported(allowed) {
		var other []string
		for _, a := range r.aliases[1:] {
			other = append(other, a.name)
		}
		groups = append(groups, r.aliases[0].name+" ("+strings.Join(other, ", ")+")")
	}
	return strings.Join(groups, ", ") + ", each also as linux/NAME"
}

// supported returns the rows of the platforms in allowed, in table order.
func supported(allowed []Platform) []row {
	var out []row
	for _, r := range table() {
		if slices.ContainsFunc(allowed, func(p Platform) bool { return p.Normalize() == r.platform }) {
			out = append(out, r)
		}
	}
	return out
}
