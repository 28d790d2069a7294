package daemon

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them. The
// loads' manifest cache (in the user cache directory) goes to a temporary
// directory, so tests neither read nor write the user's.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nanna-load-cache")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	defer os.RemoveAll(dir)
	goleak.VerifyTestMain(m)
}

// overhead is the number of files besides the layers in the archive a
// load sends to a store: an OCI layout with manifest.json (oci-layout, the
// config, the manifest, index.json, manifest.json) to Docker's stores, a
// docker-archive (the config, manifest.json) to Podman.
func overhead(store ImageStore) int {
	if store == PodmanStore {
		return 2
	}
	return 5
}
