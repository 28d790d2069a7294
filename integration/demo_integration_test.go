//go:build integration

package integration_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/testenv"
)

// TestIntegrationDemo runs the newcomer's first target twice: the first run
// builds the input-less demo flake with nix build, loads the image and runs
// it from /nix/store; the second sends nothing.
func TestIntegrationDemo(t *testing.T) {
	testenv.RequireDocker(t)
	exec.Command("docker", "rmi", "-f", "nanna-coder-demo:latest").Run()
	out, code := mage(t, nil, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d:\n%s", code, out)
	}
	for _, want := range []string{"nanna-coder-demo:latest: loaded", "Hello from nanna-coder's demo image", "This program runs from /nix/store/", "-nanna-demo-hello/bin/nanna-demo", "go tool mage load:ollama"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if got, err := exec.Command("docker", "run", "--rm", "--network", "none", "nanna-coder-demo:latest").CombinedOutput(); err != nil || !strings.Contains(string(got), "runs from /nix/store/") {
		t.Errorf("docker run nanna-coder-demo:latest = %v:\n%s", err, got)
	}
	out, code = mage(t, nil, "demo")
	if code != 0 || !strings.Contains(out, "already loaded") || !strings.Contains(out, "nothing sent") {
		t.Errorf("second demo exited %d, want 0 with nothing sent:\n%s", code, out)
	}
	if out, _ := exec.Command("docker", "ps", "-aq", "--filter", "label=org.nanna-coder.build.run").Output(); len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("containers left behind: %s", out)
	}
}
