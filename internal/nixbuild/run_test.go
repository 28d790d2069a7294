package nixbuild

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRun(t *testing.T) {
	f := &fakeNix{}
	if err := Run(context.Background(), "path:/f#ollamaImage.copyToDockerDaemon", f.options()); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	want := [][]string{{"--extra-experimental-features", "nix-command flakes", "run", "path:/f#ollamaImage.copyToDockerDaemon"}}
	if diff := cmp.Diff(want, f.calls); diff != "" {
		t.Errorf("nix arguments mismatch (-want +got):\n%s", diff)
	}
	failing := &fakeNix{stderr: "FATA[0000] Digest did not match\n", err: exitErr(t, 1)}
	err := Run(context.Background(), "path:/f#x.copyToDockerDaemon", failing.options())
	if err == nil || !strings.HasPrefix(err.Error(), "running path:/f#x.copyToDockerDaemon: exit status 1") || !strings.Contains(err.Error(), "Digest did not match") {
		t.Errorf("Run() = %v, want the command and its output", err)
	}
}
