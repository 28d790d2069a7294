package nix2container

import "testing"

// Entry is entry for the external tests, which use the golden fixtures'
// store trees (internal/fixtures imports this package).
type Entry = entry

// LayerHeaders returns the headers of the tar l writes from opts, as the
// internal tests compare them.
func LayerHeaders(t *testing.T, l Layer, opts Store) []Entry {
	t.Helper()
	return entries(readTar(t, blob(t, l, opts)))
}
