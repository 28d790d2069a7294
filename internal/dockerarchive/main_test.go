package dockerarchive

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them (layers
// stream through goroutines of nix2container).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
