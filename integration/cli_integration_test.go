//go:build integration

package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/oci"
	"github.com/nanna-coder/build/internal/testenv"
)

// These tests run the targets as a user does, through the compiled
// magefiles, against the real Docker Engine of DOCKER_HOST and real Nix.

var mageBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nanna-mage")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mageBin = filepath.Join(dir, "mage")
	cmd := exec.Command("go", "tool", "mage", "-compile", mageBin)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "compiling the magefiles: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// mage runs a target in the repository root with extra environment
// variables and returns its output and exit code; see mageIn.
func mage(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	return mageIn(t, "..", env, args...)
}

// mageIn runs a target in dir with extra environment variables and returns
// its output (stdout and stderr) and exit code. Each call gets an empty
// cache directory (the pipeline's records, the loader's manifests) unless
// env sets XDG_CACHE_HOME.
func mageIn(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), mageBin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir()), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("running mage %v: %v", args, err)
	}
	return out.String(), 0
}

func writeJSON(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "image.json")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodLayer = `{"digest":"sha256:973946ab0a8925372d0f1c25feb0f205eb0bf41e21683c41c0a459e4838da0e5","size":77312,"diff_ids":"sha256:973946ab0a8925372d0f1c25feb0f205eb0bf41e21683c41c0a459e4838da0e5","mediatype":"application/vnd.oci.image.layer.v1.tar",%s}`

func image(version, layerField string) string {
	return fmt.Sprintf(`{"version":%s,"image-config":{},"layers":[`+goodLayer+`],"arch":"amd64"}`, version, layerField)
}

func TestIntegrationBadInputs(t *testing.T) {
	testenv.RequireDocker(t)
	fixtures.RequireInstalled(t)
	fixture := "internal/nix2container/testdata/cases/basic/image.json"
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"malformed JSON", nil, []string{"load:json", writeJSON(t, `{"version": 1, "layers": [`), "bad:json"}, "image JSON"},
		{"unknown version", nil, []string{"load:json", writeJSON(t, image("2", `"paths":[{"path":"/nix/store/qnb86jag8gx96rf50iri7igzncgdv6vw-shared-lib"}]`)), "bad:version"}, "version 2"},
		{"missing store path", nil, []string{"load:json", writeJSON(t, image("1", `"paths":[{"path":"/nix/store/00000000000000000000000000000000-gone"}]`)), "bad:missing"}, "00000000000000000000000000000000-gone"},
		{"layer-path outside the store", nil, []string{"load:json", writeJSON(t, image("1", `"layer-path":"/tmp/layer.tar"`)), "bad:layerpath"}, "outside /nix/store"},
		{"invalid reference", nil, []string{"load:json", fixture, "Not A Ref!"}, "invalid image reference"},
		{"unreachable daemon", []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}, []string{"load:json", fixture, "bad:daemon"}, "nothing answers there"},
		{"unknown image name", nil, []string{"load:image", "nope"}, "known images are"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := mage(t, tt.env, tt.args...)
			if code == 0 {
				t.Fatalf("mage %v exited 0, want an error; output:\n%s", tt.args, out)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			errLines := 0
			for _, l := range lines {
				if strings.HasPrefix(l, "Error: ") {
					errLines++
				}
			}
			if errLines != 1 || !strings.HasPrefix(lines[len(lines)-1], "Error: ") || !strings.Contains(lines[len(lines)-1], tt.want) {
				t.Errorf("mage %v printed\n%s\nwant it to end with one `Error: …%s…` line", tt.args, out, tt.want)
			}
			if strings.Contains(tt.name, "daemon") {
				return
			}
			ref := tt.args[len(tt.args)-1]
			if err := exec.Command("docker", "image", "inspect", ref).Run(); err == nil {
				t.Errorf("image %s exists after a failed load", ref)
			}
		})
	}
}

func inspectID(t *testing.T, ref string) string {
	t.Helper()
	out, err := exec.Command("docker", "image", "inspect", "--format", "{{.ID}}", ref).Output()
	if err != nil {
		t.Fatalf("docker image inspect %s: %v", ref, err)
	}
	return strings.TrimSpace(string(out))
}

func removeRefs(t *testing.T, refs ...string) {
	t.Helper()
	t.Cleanup(func() {
		for _, r := range refs {
			_ = exec.Command("docker", "rmi", "-f", r).Run()
		}
	})
}

func expectedConfig(t *testing.T, fixtureCase string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "internal/nix2container/testdata/cases", fixtureCase, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		ConfigDigest string `json:"config_digest"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	return want.ConfigDigest
}

// containerdStore reports whether the daemon uses Docker's containerd
// image store, where an image's ID is its manifest's digest.
func containerdStore(t *testing.T) bool {
	t.Helper()
	out, err := exec.Command("docker", "info", "--format", "{{.DriverStatus}}").Output()
	if err != nil {
		t.Fatalf("docker info: %v", err)
	}
	return strings.Contains(string(out), "io.containerd.snapshotter")
}

// expectedID is the ID the loader gives a fixture case: its config digest,
// or on the containerd store the digest of the OCI manifest it sends.
func expectedID(t *testing.T, fixtureCase string) string {
	t.Helper()
	if !containerdStore(t) {
		return expectedConfig(t, fixtureCase)
	}
	img, err := nix2container.ReadFile(filepath.Join("..", "internal/nix2container/testdata/cases", fixtureCase, "image.json"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := oci.NewImage(context.Background(), img, oci.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return o.ManifestDigest().String()
}

func testFlake(t *testing.T) string {
	t.Helper()
	_, err := exec.LookPath("nix")
	testenv.Require(t, "Nix", err)
	flake, err := filepath.Abs("../testdata/flakes/images")
	if err != nil {
		t.Fatal(err)
	}
	return "NANNA_FLAKE=" + flake
}

func TestIntegrationLoadImageFromFlake(t *testing.T) {
	testenv.RequireDocker(t)
	fixtures.RequireInstalled(t)
	flake := testFlake(t)
	refs := []string{"nanna-coder-ollama:latest", "ghcr.io/example/fork/ollama:latest", "ghcr.io/example/fork/ollama:0123abc"}
	removeRefs(t, refs...)
	out, code := mage(t, []string{flake, "GITHUB_REPOSITORY=Example/Fork", "GITHUB_SHA=0123abc"}, "load:image", "ollama")
	if code != 0 {
		t.Fatalf("load:image ollama exited %d:\n%s", code, out)
	}
	want := expectedID(t, "layered")
	for _, ref := range refs {
		if got := inspectID(t, ref); got != want {
			t.Errorf("%s has ID %s, want %s", ref, got, want)
		}
	}
	if !strings.Contains(out, "nanna-coder-ollama:latest") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("quiet output = %q, want one summary line", out)
	}
}

func TestIntegrationLoadAllReportsEveryFailure(t *testing.T) {
	testenv.RequireDocker(t)
	fixtures.RequireInstalled(t)
	flake := testFlake(t)
	removeRefs(t, "nanna-coder-ollama:latest", "nanna-coder-harness:latest",
		"ghcr.io/local/nanna-coder/ollama:latest", "ghcr.io/local/nanna-coder/harness:latest")
	out, code := mage(t, []string{flake}, "load:all")
	if code == 0 {
		t.Fatalf("load:all exited 0 on a flake without model images:\n%s", out)
	}
	for _, model := range []string{"gemma-container", "llama3-container", "mistral-container", "qwen3-container"} {
		if !strings.Contains(out, model) {
			t.Errorf("load:all output does not report %s:\n%s", model, out)
		}
	}
	if got, want := inspectID(t, "nanna-coder-harness:latest"), expectedID(t, "basic"); got != want {
		t.Errorf("harness loaded as %s, want %s: the images that build must still load", got, want)
	}
	if got, want := inspectID(t, "nanna-coder-ollama:latest"), expectedID(t, "layered"); got != want {
		t.Errorf("ollama loaded as %s, want %s", got, want)
	}
}
