//go:build integration

package integration_test

import (
	"crypto/sha256"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/registrytest"
	"github.com/nanna-coder/build/internal/testenv"
)

// These tests run the push:* and export:* targets as a user does, against
// a docker-registry on 127.0.0.1, skopeo and the Docker daemon.

// configOf returns the sha256 of the config blob skopeo reads at src.
func configOf(t *testing.T, src string) string {
	t.Helper()
	_, err := exec.LookPath("skopeo")
	testenv.Require(t, "skopeo", err)
	out, err := exec.Command("skopeo", "inspect", "--config", "--raw", "--tls-verify=false", src).Output()
	if err != nil {
		t.Fatalf("skopeo inspect --config %s: %v", src, err)
	}
	return fmt.Sprintf("sha256:%x", sha256.Sum256(out))
}

func TestIntegrationPushImageFromFlake(t *testing.T) {
	fixtures.RequireInstalled(t)
	flake := testFlake(t)
	host := strings.TrimPrefix(registrytest.Start(t).URL, "http://")
	env := []string{flake, "CONTAINER_REGISTRY=" + host, "GITHUB_REPOSITORY=Example/Fork", "GITHUB_SHA=0123abc"}
	out, code := mage(t, env, "push:image", "ollama")
	if code != 0 {
		t.Fatalf("push:image ollama exited %d:\n%s", code, out)
	}
	if !strings.Contains(out, host+"/example/fork/ollama:latest and 1 more: pushed") || !strings.Contains(out, "3 layers sent") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("quiet output = %q, want one summary line with 3 layers sent", out)
	}
	want := expectedConfig(t, "layered")
	for _, tag := range []string{"latest", "0123abc"} {
		if got := configOf(t, "docker://"+host+"/example/fork/ollama:"+tag); got != want {
			t.Errorf("%s has config %s, want %s", tag, got, want)
		}
	}
	out, code = mage(t, env, "push:image", "ollama", "-gzip=false")
	if code != 0 || !strings.Contains(out, "nothing sent") {
		t.Errorf("second push:image exited %d with %q, want nothing sent", code, out)
	}
}

func TestIntegrationPushAndExportTargets(t *testing.T) {
	fixtures.RequireInstalled(t)
	host := strings.TrimPrefix(registrytest.Start(t).URL, "http://")
	cases := "internal/nix2container/testdata/cases/"

	out, code := mage(t, nil, "push:index", host+"/nanna/multi:1", "amd64="+cases+"basic/image.json,arm64="+cases+"edge/image.json")
	if code != 0 || !strings.Contains(out, "pushed index") {
		t.Fatalf("push:index exited %d:\n%s", code, out)
	}
	if got, want := configOf(t, "docker://"+host+"/nanna/multi:1"), expectedConfig(t, "basic"); got != want {
		t.Errorf("the index's amd64 image has config %s, want %s", got, want)
	}

	out, code = mage(t, nil, "push:json", cases+"perms/image.json", "perms:dev")
	if code == 0 || !strings.Contains(out, "names no registry") {
		t.Errorf("push:json to a short name exited %d with %q, want the missing registry named", code, out)
	}
	out, code = mage(t, nil, "push:index", host+"/nanna/multi:2", "arm64="+cases+"basic/image.json")
	if code == 0 || !strings.Contains(out, "the image JSON is for amd64, not arm64") {
		t.Errorf("push:index with a wrong arch exited %d with %q", code, out)
	}

	dir := t.TempDir()
	out, code = mage(t, nil, "export:oci", cases+"perms/image.json", filepath.Join(dir, "oci"), "-ref=nanna-export-cli/perms:dev")
	if code != 0 {
		t.Fatalf("export:oci exited %d:\n%s", code, out)
	}
	if got, want := configOf(t, "oci:"+filepath.Join(dir, "oci")+":nanna-export-cli/perms:dev"), expectedConfig(t, "perms"); got != want {
		t.Errorf("export:oci config %s, want %s", got, want)
	}

	testenv.RequireDocker(t)
	file := filepath.Join(dir, "perms.tar")
	out, code = mage(t, nil, "export:archive", cases+"perms/image.json", file, "-ref=nanna-export-cli/perms:dev")
	if code != 0 {
		t.Fatalf("export:archive exited %d:\n%s", code, out)
	}
	removeRefs(t, "nanna-export-cli/perms:dev")
	if err := exec.Command("docker", "load", "-q", "-i", file).Run(); err != nil {
		t.Fatalf("docker load -i %s: %v", file, err)
	}
	// docker load gives a docker-archive the config digest as its ID on the
	// classic store; the containerd store names it by a Docker manifest it
	// writes itself, so there the layers are compared.
	if containerdStore(t) {
		out, err := exec.Command("docker", "image", "inspect", "--format", "{{json .RootFS.Layers}}", "nanna-export-cli/perms:dev").Output()
		if err != nil || !strings.Contains(string(out), "sha256:") {
			t.Errorf("docker load of export:archive on the containerd store: layers %s, %v", out, err)
		}
	} else if got, want := inspectID(t, "nanna-export-cli/perms:dev"), expectedConfig(t, "perms"); got != want {
		t.Errorf("docker load of export:archive gives %s, want %s", got, want)
	}
}
