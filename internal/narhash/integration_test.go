//go:build integration

package narhash

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nanna-coder/build/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json from nix hash path")

// nixHashes runs nix hash path, nix-hash --type sha256 --base32 and
// nix-store --dump on p.
func nixHashes(t *testing.T, p string) want {
	t.Helper()
	run := func(name string, args ...string) []byte {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "NIX_CONFIG=experimental-features = nix-command\nsubstituters =")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v %s", name, strings.Join(args, " "), err, stderr(err))
		}
		return out
	}
	return want{
		SRI:     strings.TrimSpace(string(run("nix", "hash", "path", p))),
		Base32:  strings.TrimSpace(string(run("nix-hash", "--type", "sha256", "--base32", p))),
		NARSize: int64(len(run("nix-store", "--dump", p))),
	}
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

func requireNix(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"nix", "nix-hash", "nix-store"} {
		_, err := exec.LookPath(tool)
		testenv.Require(t, "Nix ("+tool+")", err)
	}
}

// TestIntegrationVectors recomputes every stored vector with Nix and checks
// Path against it; -update rewrites testdata/vectors.json.
func TestIntegrationVectors(t *testing.T) {
	requireNix(t)
	dir := t.TempDir()
	fromNix := map[string]want{}
	for _, v := range vectors() {
		p := v.build(t, dir)
		w := nixHashes(t, p)
		fromNix[v.name] = w
		h, err := Path(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, want{SRI: h.SRI(), Base32: h.Base32(), NARSize: h.NARSize}); diff != "" {
			t.Errorf("Path(%s) (-nix +go):\n%s", v.name, diff)
		}
	}
	if *update {
		data, err := json.MarshalIndent(fromNix, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorsFile, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(readVectors(t), fromNix); diff != "" {
		t.Errorf("%s is out of date (-stored +nix):\n%s", vectorsFile, diff)
	}
}
