package nix2container

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	digest "github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/ui"
)

// MismatchError reports a layer whose bytes differ from what the JSON recorded.
type MismatchError struct {
	// Layer is the layer index in the JSON.
	Layer int
	// Paths are the layer's store paths, or its layer-path.
	Paths []string
	// Field is "digest", "diff_id" or "size".
	Field string
	// Expected is the digest (or diff_id) recorded in the JSON.
	Expected digest.Digest
	// Actual is the digest (or diff_id) of the bytes produced.
	Actual digest.Digest
	// ExpectedSize is the size recorded in the JSON (or the layer-path file
	// size for pulled layers); 0 when unknown.
	ExpectedSize int64
	// ActualSize is the number of bytes produced.
	ActualSize int64
	// Legacy is non-empty when the layer matches an older nix2container rule
	// set: its description.
	Legacy string
	// LegacyRules is the matching older rule set, when Legacy is set.
	LegacyRules Rules
	// FromLayerPath is true when the blob was read from the layer's
	// layer-path file rather than tarred from store paths.
	FromLayerPath bool
}

// Error returns a one-line message naming the layer, its paths, what differs
// and the likely cause.
func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "layer %d (%s): ", e.Layer, summarizePaths(e.Paths))
	switch e.Field {
	case "size":
		fmt.Fprintf(&b, "size mismatch: JSON has %d bytes, store gives %d bytes", e.ExpectedSize, e.ActualSize)
	case "diff_id":
		fmt.Fprintf(&b, "diff_id mismatch: JSON has %s, the decompressed blob gives %s", e.Expected, e.Actual)
	default:
		fmt.Fprintf(&b, "%s mismatch: JSON has %s, store gives %s", e.Field, e.Expected, e.Actual)
	}
	b.WriteString(" — ")
	b.WriteString(e.hint())
	return b.String()
}

// hint explains the likely cause of the mismatch.
func (e *MismatchError) hint() string {
	switch {
	case e.Legacy != "":
		return fmt.Sprintf("the JSON was written by the tar rules of %s: rebuild it with the current nix2container (nix build)", e.Legacy)
	case e.Field == "diff_id":
		return "the blob does not decompress to the recorded diff_ids: the pulled image is corrupt or its JSON is wrong (re-pull it)"
	case e.FromLayerPath:
		return "the layer-path blob differs from the JSON: the store is corrupt (nix-store --verify --check-contents) or the JSON is wrong (rebuild with nix build)"
	default:
		return "a store path changed after the image was built (rebuild with nix build), or the JSON was written by a different nix2container whose tar rules differ (rebuild it with the current nix2container)"
	}
}

// summarizePaths keeps the message on one line and reasonably short.
func summarizePaths(paths []string) string {
	if len(paths) == 0 {
		return "no paths"
	}
	return ui.FirstN(paths, 3)
}

// Diagnose recomputes the layer e names with each of LegacyRules (hashing
// only, nothing is written anywhere) and sets e.Legacy to the description
// of the first rule set whose digest and size match the JSON. Rule sets that
// would give the same bytes as store.Rules for this layer are skipped, so a
// layer without gname perms costs one extra pass over its files (the mtime
// rule set), a layer with them two. It returns an error only when the layer
// cannot be recomputed (for example ctx is done); e.Legacy is then left empty.
// Layers read from a layer-path are not diagnosed.
func (img *Image) Diagnose(ctx context.Context, e *MismatchError, store Store) error {
	if e.Layer < 0 || e.Layer >= len(img.Layers) {
		return fmt.Errorf("diagnosing layer %d: the image has %s", e.Layer, ui.Plural(len(img.Layers), "layer"))
	}
	l := img.Layers[e.Layer]
	if l.LayerPath != "" {
		return nil
	}
	tried := []Rules{l.effective(store.Rules)}
	var older []NamedRules
	for _, nr := range LegacyRules() {
		if r := l.effective(nr.Rules); !slices.Contains(tried, r) {
			tried = append(tried, r)
			older = append(older, nr)
		}
	}
	if len(older) == 0 {
		return nil
	}
	k, err := img.firstMatch(ctx, e.Layer, store, tried[1:])
	var none *MismatchError
	switch {
	case errors.As(err, &none):
		return nil
	case err != nil:
		return fmt.Errorf("diagnosing: %w", err)
	}
	e.Legacy, e.LegacyRules = older[k].Description, older[k].Rules
	return nil
}

// layerHasGname reports whether any perm of the layer sets a group name, the
// only case where Rules.GnameFromUname changes the tar.
func layerHasGname(l Layer) bool {
	for _, p := range l.Paths {
		for _, perm := range permsOf(p.Options) {
			if perm.Gname != "" {
				return true
			}
		}
	}
	return false
}
