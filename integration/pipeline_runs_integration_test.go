//go:build integration

package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/nanna-coder/build/internal/fixtures/testflake"
	"github.com/nanna-coder/build/internal/testenv"
)

// A Nix syntax error fails nix:check and every build. Nix locates it for
// the builds too (at /nix/store/…-source/flake.nix:LINE), so each failing
// build should be annotated at flake.nix:LINE, as nix:check is.
func TestIntegrationPipelineBuildFailureIsAnnotated(t *testing.T) {
	r := newCIRun(t)
	replaceIn(t, filepath.Join(r.dir, "flake.nix"), "rec {", "rec { oops = ;")
	cmd := exec.CommandContext(context.Background(), mageBin, "ci")
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), r.env...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("mage ci passed with a syntax error in flake.nix:\n%s", out)
	}
	for _, step := range []string{"nix%3Acheck", "build%3Aharness", "build%3Aollama"} {
		re := regexp.MustCompile(`(?m)^::error file=flake\.nix,line=\d+,title=` + step + `::`)
		if !re.Match(out) {
			t.Errorf("no ::error file=flake.nix,line=… annotation titled %s:\n%s", step, out)
		}
	}
}

// creates records the image of each container created through a proxy to
// the Docker daemon.
type creates struct {
	mu     sync.Mutex
	images []string
}

func (c *creates) proxy(t *testing.T, daemon string) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "d.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Director: func(r *http.Request) {
			r.URL.Scheme, r.URL.Host = "http", "docker"
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/containers/create") {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				var cfg struct{ Image string }
				_ = json.Unmarshal(body, &cfg)
				c.mu.Lock()
				c.images = append(c.images, cfg.Image)
				c.mu.Unlock()
			}
		},
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", daemon)
		}},
		FlushInterval: -1,
	}
	srv := &http.Server{Handler: rp}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock
}

// smoke:KEY runs its container from the image's tag (nanna-coder-harness:
// latest), which another run (another checkout, or this one with another
// flake) may retag between load:KEY and smoke:KEY: the smoke test then
// passes or fails for an image that is not the one load:KEY loaded and
// push:KEY pushes. It should run the ID load:KEY recorded.
func TestIntegrationPipelineSmokeRunsTheLoadedImageByID(t *testing.T) {
	testenv.RequireDocker(t)
	host := os.Getenv("DOCKER_HOST")
	if !strings.HasPrefix(host, "unix://") {
		testenv.Require(t, "DOCKER_HOST=unix://…", os.ErrNotExist)
	}
	dir, env := auditProject(t)
	testflake.GitInit(t, dir)
	var c creates
	env = append(env, "DOCKER_HOST="+c.proxy(t, strings.TrimPrefix(host, "unix://")), "NANNA_LOAD_VIA=docker-api")
	mustMage(t, dir, env, "smoke")
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.images) == 0 {
		t.Fatal("smoke created no container")
	}
	for _, img := range c.images {
		if !strings.HasPrefix(img, "sha256:") {
			t.Errorf("a smoke container was created from %q, a tag any other run may move, not from the loaded image's ID", img)
		}
	}
}
