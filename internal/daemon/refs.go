package daemon

import (
	"errors"
	"fmt"
	"slices"

	"github.com/nanna-coder/build/internal/imageref"
)

// refs are a load's references, read once (imageref) before the daemon is
// asked anything; each attempt uses them as they are.
type refs struct {
	// familiar[i] is Options.Refs[i] in its familiar form with the tag
	// made explicit (nanna-coder-ollama:latest), as the daemon lists an
	// image's references.
	familiar []string
	// record is Options.Refs[0] fully qualified
	// (docker.io/library/nanna-coder-ollama:latest): the name of the image
	// record that a load writing into containerd directly creates.
	record string
	// candidates are the familiar forms of Options.Refs and
	// Options.Related, each once: the images that may hold this image's
	// layers.
	candidates []string
}

// readRefs reads opts.Refs (at least one) and opts.Related.
func readRefs(opts Options) (refs, error) {
	if len(opts.Refs) == 0 {
		return refs{}, errors.New("no reference to tag the image with")
	}
	var r refs
	for _, ref := range opts.Refs {
		n, err := imageref.Normalize(ref)
		if err != nil {
			return refs{}, err
		}
		r.familiar = append(r.familiar, n)
	}
	r.record, _ = imageref.Qualified(opts.Refs[0]) // valid: Normalize read it
	r.candidates = slices.Clone(r.familiar)
	for _, ref := range opts.Related {
		n, err := imageref.Normalize(ref)
		if err != nil {
			return refs{}, fmt.Errorf("related images: %w", err)
		}
		r.candidates = append(r.candidates, n)
	}
	r.candidates = dedupe(r.candidates)
	return r, nil
}

// dedupe returns list with each string once, in order of first appearance.
func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
