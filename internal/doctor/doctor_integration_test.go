//go:build integration

package doctor

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/nanna-coder/build/ci"
)

// TestIntegrationStandard runs every standard check on this machine; under
// CI, where .ci/run installs and starts everything, all must pass.
func TestIntegrationStandard(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), &out, Standard("../..", os.Getenv))
	t.Log("\n" + out.String())
	ci.Require(t, "a machine where every doctor check passes", err)
	for _, want := range []string{"ok    go", "ok    nix", "ok    configuration", "ok    flake", "ok    docker"} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("doctor output lacks %q", want)
		}
	}
}
