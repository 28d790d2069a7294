package imageref

import (
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// ErrInvalid means a reference is not a name[:tag].
var ErrInvalid = errors.New("invalid image reference")

// Example is the reference error messages suggest.
const Example = "nanna-coder-ollama:latest"

// Parse reads a name[:tag] reference: a Docker image name, optionally with
// a registry host and a tag, without a digest. It returns the name in its
// familiar form and the tag, "latest" when none is given: "ollama" gives
// "ollama", "latest"; "docker.io/library/ollama:dev" gives "ollama", "dev";
// "ghcr.io/me/app:v1" gives "ghcr.io/me/app", "v1". Anything else is one
// error wrapping ErrInvalid: invalid image reference "X": want name[:tag],
// such as nanna-coder-ollama:latest.
func Parse(ref string) (name, tag string, err error) {
	named, err := parse(ref)
	if err != nil {
		return "", "", err
	}
	return reference.FamiliarName(named), named.Tag(), nil
}

// Normalize returns ref (as Parse reads it) in its familiar form with the
// tag made explicit: "ollama" gives "ollama:latest",
// "docker.io/library/ollama:dev" gives "ollama:dev".
func Normalize(ref string) (string, error) {
	named, err := parse(ref)
	if err != nil {
		return "", err
	}
	return reference.FamiliarString(named), nil
}

// Qualified returns ref (as Parse reads it) fully qualified with the tag
// made explicit, as containerd names images: "ollama" gives
// "docker.io/library/ollama:latest".
func Qualified(ref string) (string, error) {
	named, err := parse(ref)
	if err != nil {
		return "", err
	}
	return named.String(), nil
}

// parse reads ref with distribution's rules, refusing digests, and makes
// the tag explicit.
func parse(ref string) (reference.NamedTagged, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil || strings.Contains(ref, "@") {
		return nil, invalid(ref)
	}
	tagged, ok := reference.TagNameOnly(named).(reference.NamedTagged)
	if !ok { // TagNameOnly tags every name without a digest
		return nil, invalid(ref)
	}
	return tagged, nil
}

// invalid is the one error for a reference that is not a name[:tag].
func invalid(ref string) error {
	return fmt.Errorf("%w %q: want name[:tag], such as %s", ErrInvalid, ref, Example)
}
