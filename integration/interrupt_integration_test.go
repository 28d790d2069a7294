//go:build integration

package integration_test

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/testenv"
)

// pausingProxy forwards a unix socket to the Docker daemon and holds the
// first upload once more than threshold bytes of it have passed, so that a
// test can interrupt a load at a known point instead of racing it.
type pausingProxy struct {
	threshold int64
	reached   chan struct{} // closed when the upload is held
	once      sync.Once
}

func (p *pausingProxy) serve(t *testing.T, ln net.Listener, daemon string) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer client.Close()
			upstream, err := net.Dial("unix", daemon)
			if err != nil {
				t.Errorf("proxy: %v", err)
				return
			}
			defer upstream.Close()
			go func() { _, _ = io.Copy(client, upstream) }()
			var n int64
			uploading := false
			buf := make([]byte, 32<<10)
			for {
				k, err := client.Read(buf)
				if k > 0 {
					if _, werr := upstream.Write(buf[:k]); werr != nil {
						return
					}
					// Count only the upload, not the API calls before it.
					uploading = uploading || strings.Contains(string(buf[:k]), "/images/load")
					if uploading {
						n += int64(k)
					}
					if n > p.threshold {
						p.once.Do(func() { close(p.reached) })
						// Hold this upload: read on, forward nothing more, until the client hangs up.
						_, _ = io.Copy(io.Discard, client)
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}

func TestIntegrationCtrlCLeavesNothing(t *testing.T) {
	testenv.RequireDocker(t)
	fixtures.RequireInstalled(t)
	host := os.Getenv("DOCKER_HOST")
	if !strings.HasPrefix(host, "unix://") {
		testenv.Require(t, "DOCKER_HOST=unix://… (the proxy forwards a unix socket)", errors.New("DOCKER_HOST is "+host))
	}
	want := expectedID(t, "layered")
	_ = exec.Command("docker", "rmi", "-f", want).Run()
	sock := filepath.Join(t.TempDir(), "proxy.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := &pausingProxy{threshold: 16 << 10, reached: make(chan struct{})}
	go p.serve(t, ln, strings.TrimPrefix(host, "unix://"))

	ref := "nanna-test-interrupted:it"
	cmd := exec.Command(mageBin, "load:json", "internal/nix2container/testdata/cases/layered/image.json", ref)
	cmd.Dir = ".."
	// The Docker API path (on the containerd store the loader would write
	// into its containerd directly, past the proxy).
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix://"+sock, "NANNA_LOAD_VIA=docker-api")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.reached:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("the upload never passed 16 KiB:\n%s", out.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("load:json interrupted with Ctrl-C: %v, want a non-zero exit\n%s", err, out.String())
	}
	t.Logf("output after Ctrl-C:\n%s", out.String())
	if strings.Contains(out.String(), "loaded") {
		t.Errorf("interrupted load reported success:\n%s", out.String())
	}
	for _, name := range []string{ref, want} {
		if err := exec.Command("docker", "image", "inspect", name).Run(); err == nil {
			t.Errorf("%s exists after Ctrl-C", name)
		}
	}
}
