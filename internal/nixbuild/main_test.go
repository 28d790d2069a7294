package nixbuild

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine outlives them (the
// runners and git start processes whose output goroutines must end).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
