package registrytest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/testenv"
)

// Registry is a docker-registry (Debian's package, the CNCF distribution
// registry) serving on 127.0.0.1 from a temporary directory.
type Registry struct {
	// URL is the base URL, "http://127.0.0.1:<port>".
	URL string
	// Root is the storage directory.
	Root string

	t       testing.TB
	bin     string
	config  string
	running *process // nil while stopped
}

// process is a running docker-registry.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// registryBinary is where Debian's docker-registry package installs it.
const registryBinary = "docker-registry"

const configTemplate = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: %s
  secret: registrytest
`

// Start starts a registry on a free 127.0.0.1 port with its storage and
// configuration in a temporary directory, and stops it when the test ends.
// Without the docker-registry binary the test is skipped (outside CI) or
// fails (CI=true).
func Start(t testing.TB) *Registry {
	t.Helper()
	bin, err := exec.LookPath(registryBinary)
	testenv.Require(t, "docker-registry (apt-get install docker-registry)", err)
	dir := t.TempDir()
	r := &Registry{Root: filepath.Join(dir, "data"), t: t, bin: bin, config: filepath.Join(dir, "config.yml")}
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	r.URL = "http://" + addr
	if err := os.WriteFile(r.config, []byte(fmt.Sprintf(configTemplate, r.Root, addr)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	r.run()
	return r
}

// Stop kills the registry: connections to its address are refused until
// Restart. Stopping a stopped registry does nothing.
func (r *Registry) Stop() {
	if r.running == nil {
		return
	}
	r.running.cmd.Process.Kill()
	<-r.running.exited
	r.running = nil
}

// Restart stops the registry if it runs and starts it again on the same
// address with the same storage, waiting until it answers.
func (r *Registry) Restart() {
	r.t.Helper()
	r.Stop()
	r.run()
}

// run starts the registry process and waits until it answers GET /v2/.
func (r *Registry) run() {
	r.t.Helper()
	var logs bytes.Buffer
	cmd := exec.Command(r.bin, "serve", r.config)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("starting docker-registry: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	r.running = &process{cmd: cmd, exited: exited}
	// No idle connection (and its goroutines) outlives the check.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(r.URL + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			r.t.Fatalf("docker-registry exited: %s", logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("docker-registry did not answer on %s: %v\n%s", r.URL, err, logs.String())
		}
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Push publishes m as repo:tag with the registry's push API, in plain
// HTTP: each blob with POST /v2/<repo>/blobs/uploads/ and a monolithic PUT
// ?digest=, then the manifest with PUT /v2/<repo>/manifests/<tag> as
// Content-Type application/vnd.docker.distribution.manifest.v2+json.
func (r *Registry) Push(ctx context.Context, repo, tag string, m Model) error {
	for _, b := range m.Blobs() {
		if err := r.pushBlob(ctx, repo, b); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, r.URL+"/v2/"+repo+"/manifests/"+tag, bytes.NewReader(m.Manifest))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", manifestType)
	return expect(req, http.StatusCreated, "pushing manifest "+repo+":"+tag)
}

func (r *Registry) pushBlob(ctx context.Context, repo string, b Blob) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL+"/v2/"+repo+"/blobs/uploads/", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("starting upload of %s: %w", b.Digest(), err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusAccepted || loc == "" {
		return fmt.Errorf("starting upload of %s: HTTP %s", b.Digest(), resp.Status)
	}
	if strings.HasPrefix(loc, "/") {
		loc = r.URL + loc
	}
	sep := "?"
	if strings.Contains(loc, "?") {
		sep = "&"
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPut, loc+sep+"digest="+b.Digest(), bytes.NewReader(b.Data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	return expect(req, http.StatusCreated, "uploading blob "+b.Digest())
}

func expect(req *http.Request, status int, what string) error {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != status {
		return fmt.Errorf("%s: HTTP %s: %s", what, resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// FlipByte changes one byte (the last) of a stored blob in place, behind
// the registry's back, which serves the changed bytes under the old
// digest: a registry or mirror gone bad.
func (r *Registry) FlipByte(digest string) error {
	hex := strings.TrimPrefix(digest, "sha256:")
	p := filepath.Join(r.Root, "docker", "registry", "v2", "blobs", "sha256", hex[:2], hex, "data")
	data, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("flipping a byte of %s: %w", digest, err)
	}
	if len(data) == 0 {
		return fmt.Errorf("flipping a byte of %s: empty blob", digest)
	}
	data[len(data)-1] ^= 0xff
	return os.WriteFile(p, data, 0o644)
}
