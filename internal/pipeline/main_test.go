package pipeline

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them, and
// runs as the writer process of TestRunConcurrentProcesses when asked to.
func TestMain(m *testing.M) {
	if dir := os.Getenv(writerEnv); dir != "" {
		os.Exit(writerProcess(dir))
	}
	goleak.VerifyTestMain(m)
}
