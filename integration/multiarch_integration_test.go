//go:build integration

package integration_test

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"io"
	"net/http"
	"os/exec"
	"path"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/nanna-coder/build/internal/fixtures/testflake"
	"github.com/nanna-coder/build/internal/registrytest"
	"github.com/nanna-coder/build/internal/testenv"
)

// These tests run push:multiarch on a copy of testdata/project whose flake
// has packages for aarch64-linux too, built by Nix on this x86_64
// machine, and push to a docker-registry on 127.0.0.1.

// multiarchProject copies testdata/project with this machine's program
// and the program for aarch64-linux built for goarch, and commits it.
func multiarchProject(t *testing.T, goarch string) string {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the multi-arch tests build aarch64-linux on an x86_64 machine")
	}
	_, err := exec.LookPath("nix")
	testenv.Require(t, "Nix", err)
	dir := testflake.Copy(t, "project")
	testflake.AddProgram(t, dir, "aarch64-linux", goarch)
	testflake.GitInit(t, dir)
	return dir
}

// TestIntegrationMultiarchRefusesTheWrongArch is nanna-coder's old
// fallback as a flake: packages.aarch64-linux.harnessImage is built by
// the x86_64 program (Nix runs it natively, told this machine is also an
// aarch64-linux), so its JSON says amd64. push:multiarch names the
// attribute and pushes nothing.
func TestIntegrationMultiarchRefusesTheWrongArch(t *testing.T) {
	dir := multiarchProject(t, "amd64")
	testflake.ExtraPlatforms(t, "aarch64-linux")
	reg := registrytest.Start(t)
	host := strings.TrimPrefix(reg.URL, "http://")
	out, code := mageIn(t, dir, nil, "push:multiarch", "harness", "-platforms=amd64,arm64", "-to="+host+"/x:1")
	if code == 0 {
		t.Fatalf("push:multiarch with an amd64 image as arm64 exited 0:\n%s", out)
	}
	t.Logf("push:multiarch:\n%s", out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "Error: ") || !strings.Contains(last, "building harness for aarch64-linux: packages.aarch64-linux.harnessImage is an image for amd64, not arm64") ||
		!strings.Contains(last, "nixpkgs.legacyPackages.aarch64-linux") {
		t.Errorf("push:multiarch printed\n%s\nwant it to end with an Error: line naming packages.aarch64-linux.harnessImage and the fix", out)
	}
	if got := status(t, http.MethodHead, reg.URL+"/v2/x/manifests/1"); got != http.StatusNotFound {
		t.Errorf("HEAD %s/x:1 = %d, want 404: nothing pushed", host, got)
	}
	if body := get(t, reg.URL+"/v2/_catalog"); !strings.Contains(body, `"repositories":[]`) {
		t.Errorf("the registry holds %s, want no repositories", body)
	}
}

// TestIntegrationMultiarchWithoutExtraPlatforms: Nix will not build
// aarch64-linux here (nor has it built it before), and push:multiarch says
// what to run.
func TestIntegrationMultiarchWithoutExtraPlatforms(t *testing.T) {
	dir := multiarchProject(t, "arm64")
	testflake.ExtraPlatforms(t)
	forgetBuilds(t, dir, "packages.aarch64-linux.harnessImage", "packages.aarch64-linux.harnessImage.tools")
	reg := registrytest.Start(t)
	out, code := mageIn(t, dir, nil, "push:multiarch", "harness", "-to="+strings.TrimPrefix(reg.URL, "http://")+"/x:1")
	if code == 0 {
		t.Fatalf("push:multiarch without extra-platforms exited 0:\n%s", out)
	}
	t.Logf("push:multiarch:\n%s", out)
	if !strings.Contains(out, "a 'aarch64-linux' with features {} is required") || !strings.Contains(out, "qemu:status arm64 says which is missing, qemu:setup arm64 -writeNixConf=true sets both up") {
		t.Errorf("push:multiarch printed\n%s\nwant Nix's refusal and what to run", out)
	}
	if body := get(t, reg.URL+"/v2/_catalog"); !strings.Contains(body, `"repositories":[]`) {
		t.Errorf("the registry holds %s, want no repositories", body)
	}
}

// TestIntegrationMultiarchEmulated builds packages.aarch64-linux with the
// aarch64 program run by QEMU through binfmt_misc (as qemu:setup sets it
// up), and pushes an index whose arm64 image holds that program.
func TestIntegrationMultiarchEmulated(t *testing.T) {
	dir := multiarchProject(t, "arm64")
	testflake.ExtraPlatforms(t, "aarch64-linux")
	testflake.Emulate(t, "aarch64-linux")
	forgetBuilds(t, dir, "packages.aarch64-linux.harnessImage", "packages.aarch64-linux.harnessImage.tools")
	reg := registrytest.Start(t)
	host := strings.TrimPrefix(reg.URL, "http://")
	env := []string{"CONTAINER_REGISTRY=" + host, "GITHUB_REPOSITORY=Example/Multi", "GITHUB_SHA=0123abc"}
	start := time.Now()
	out, code := mageIn(t, dir, env, "push:multiarch", "harness", "-platforms=amd64,aarch64-linux")
	if code != 0 {
		t.Fatalf("push:multiarch exited %d:\n%s", code, out)
	}
	t.Logf("push:multiarch, aarch64-linux built under QEMU, in %s:\n%s", time.Since(start).Round(time.Millisecond), out)

	checkIndex(t, host+"/example/multi/harness", "latest", "0123abc")
}

// checkIndex checks that repo's tags are OCI indexes of a linux/amd64 and
// a linux/arm64 image whose configs and programs are of those platforms.
func checkIndex(t *testing.T, repo string, tags ...string) {
	t.Helper()
	for _, tag := range tags {
		ref, err := name.ParseReference(repo+":"+tag, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		idx, err := remote.Index(ref)
		if err != nil {
			t.Fatalf("reading the index %s: %v", ref, err)
		}
		m, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range m.Manifests {
			img, err := idx.Image(d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, d.Platform.String()+" config "+cfg.OS+"/"+cfg.Architecture+" program "+programMachine(t, img))
		}
		want := []string{"linux/amd64 config linux/amd64 program EM_X86_64", "linux/arm64 config linux/arm64 program EM_AARCH64"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("index %s (-want +got):\n%s", ref, diff)
		}
	}
}

// TestIntegrationPipelineMultiarch pushes every image of the test project
// as an amd64 + arm64 index with push:all -platforms (aarch64-linux under
// QEMU); a second push:all is cached.
func TestIntegrationPipelineMultiarch(t *testing.T) {
	dir := multiarchProject(t, "arm64")
	testflake.ExtraPlatforms(t, "aarch64-linux")
	testflake.Emulate(t, "aarch64-linux")
	reg := registrytest.Start(t)
	host := strings.TrimPrefix(reg.URL, "http://")
	env := []string{"CONTAINER_REGISTRY=" + host, "GITHUB_REPOSITORY=Example/Pipeline", "XDG_CACHE_HOME=" + t.TempDir()}
	t.Cleanup(func() {
		var refs []string
		for _, short := range []string{"harness", "ollama"} {
			refs = append(refs, "nanna-coder-"+short+":latest", host+"/example/pipeline/"+short+":latest")
		}
		removeRefs(t, refs...)
	})
	out, code := mageIn(t, dir, env, "push:all", "-platforms=amd64,aarch64-linux")
	if code != 0 {
		t.Fatalf("push:all -platforms exited %d:\n%s", code, out)
	}
	checkIndex(t, host+"/example/pipeline/harness", "latest")
	checkIndex(t, host+"/example/pipeline/ollama", "latest")
	out, code = mageIn(t, dir, env, "push:all", "-platforms=amd64,aarch64-linux")
	if code != 0 || !strings.Contains(out, "push:harness cached") || !strings.Contains(out, "push:ollama cached") {
		t.Errorf("a second push:all -platforms exited %d, want both pushes cached:\n%s", code, out)
	}
}

// forgetBuilds deletes the outputs of the flake's attrs from the Nix
// store, if there, so that this run builds them (here: under QEMU) again.
func forgetBuilds(t *testing.T, dir string, attrs ...string) {
	t.Helper()
	var paths []string
	for _, attr := range attrs {
		out, err := exec.Command("nix", "eval", "--raw", dir+"#"+attr+".outPath").Output()
		if err != nil {
			t.Fatalf("nix eval %s: %v", attr, err)
		}
		paths = append(paths, string(out))
	}
	if out, err := exec.Command("nix", append([]string{"store", "delete"}, paths...)...).CombinedOutput(); err != nil {
		t.Fatalf("nix store delete %s: %v\n%s", paths, err, out)
	}
}

// programMachine returns the ELF machine of the image's /bin/nanna-project.
func programMachine(t *testing.T, img v1.Image) string {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if path.Clean("/"+h.Name) != "/bin/nanna-project" {
				continue
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			f, err := elf.NewFile(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("reading /bin/nanna-project: %v", err)
			}
			return f.Machine.String()
		}
	}
	t.Fatal("the image has no /bin/nanna-project")
	return ""
}

// status returns the status code of a request without a body.
func status(t *testing.T, method, url string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// get returns the body of a GET.
func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}
