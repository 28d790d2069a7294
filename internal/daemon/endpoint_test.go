package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dockerConfig writes a Docker CLI configuration directory with the given
// current context and context endpoints (name → host).
func dockerConfig(t *testing.T, current string, contexts map[string]string, tlsFor string) string {
	t.Helper()
	dir := t.TempDir()
	if current != "" {
		write(t, filepath.Join(dir, "config.json"), `{"auths":{},"currentContext":"`+current+`"}`)
	}
	for name, host := range contexts {
		sum := sha256.Sum256([]byte(name))
		id := hex.EncodeToString(sum[:])
		write(t, filepath.Join(dir, "contexts", "meta", id, "meta.json"),
			`{"Name":"`+name+`","Metadata":{},"Endpoints":{"docker":{"Host":"`+host+`","SkipTLSVerify":false}}}`)
		if name == tlsFor {
			for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
				write(t, filepath.Join(dir, "contexts", "tls", id, "docker", f), "pem")
			}
		}
	}
	return dir
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestResolve(t *testing.T) {
	contexts := map[string]string{"colima": "unix:///home/u/.colima/docker.sock", "remote": "tcp://build.example:2376"}
	withCurrent := dockerConfig(t, "colima", contexts, "remote")
	defaultCurrent := dockerConfig(t, "default", contexts, "")
	noConfig := t.TempDir()
	tlsDir := func(name string) string {
		sum := sha256.Sum256([]byte(name))
		return filepath.Join(withCurrent, "contexts", "tls", hex.EncodeToString(sum[:]), "docker")
	}
	tests := []struct {
		name string
		env  map[string]string
		want Endpoint
	}{
		{"DOCKER_HOST wins over the context", map[string]string{"DOCKER_HOST": "unix:///tmp/d.sock", "DOCKER_CONFIG": withCurrent},
			Endpoint{Host: "unix:///tmp/d.sock", FromEnv: true}},
		{"pinned API version", map[string]string{"DOCKER_HOST": "tcp://h:2375", "DOCKER_API_VERSION": "1.41"},
			Endpoint{Host: "tcp://h:2375", FromEnv: true, APIVersion: "1.41"}},
		{"current context of config.json", map[string]string{"DOCKER_CONFIG": withCurrent},
			Endpoint{Host: "unix:///home/u/.colima/docker.sock", Context: "colima"}},
		{"DOCKER_CONTEXT overrides config.json, with TLS files", map[string]string{"DOCKER_CONFIG": withCurrent, "DOCKER_CONTEXT": "remote"},
			Endpoint{Host: "tcp://build.example:2376", Context: "remote", TLS: &TLSFiles{CA: filepath.Join(tlsDir("remote"), "ca.pem"), Cert: filepath.Join(tlsDir("remote"), "cert.pem"), Key: filepath.Join(tlsDir("remote"), "key.pem")}}},
		{"default context", map[string]string{"DOCKER_CONFIG": defaultCurrent}, Endpoint{Host: DefaultHost}},
		{"no configuration at all", map[string]string{"DOCKER_CONFIG": noConfig}, Endpoint{Host: DefaultHost}},
		{"HOME/.docker when DOCKER_CONFIG is unset", map[string]string{"HOME": filepath.Dir(withCurrent) + "/nohome"}, Endpoint{Host: DefaultHost}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(env(tt.env))
			if err != nil {
				t.Fatalf("Resolve() = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	contexts := map[string]string{"colima": "unix:///x.sock"}
	dir := dockerConfig(t, "colima", contexts, "")
	broken := t.TempDir()
	write(t, filepath.Join(broken, "config.json"), "{not json")
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown context", map[string]string{"DOCKER_CONFIG": dir, "DOCKER_CONTEXT": "nope"}, `Docker context "nope"`},
		{"malformed config.json", map[string]string{"DOCKER_CONFIG": broken}, "reading Docker CLI configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Resolve() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
