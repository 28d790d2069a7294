package container

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: the
// log copier must end with every run, interrupted ones included.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
