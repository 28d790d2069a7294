package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nanna-coder/build/internal/jsonerr"
)

// DefaultHost is the Docker Engine socket used when neither DOCKER_HOST nor a
// Docker context names another.
const DefaultHost = "unix:///var/run/docker.sock"

// Endpoint says where a Docker Engine is and how to reach it.
type Endpoint struct {
	Host       string    // e.g. unix:///var/run/docker.sock, tcp://host:2376
	Context    string    // the Docker context it came from; "" when from DOCKER_HOST or the default
	APIVersion string    // pinned API version (DOCKER_API_VERSION); "" negotiates
	TLS        *TLSFiles // client certificates of a Docker context
	FromEnv    bool      // DOCKER_HOST is set: the client reads DOCKER_CERT_PATH and DOCKER_TLS_VERIFY itself
}

// TLSFiles are the certificate files of a Docker context's TLS endpoint.
type TLSFiles struct {
	CA, Cert, Key string
}

// Resolve works out the endpoint the Docker CLI would use: DOCKER_HOST (with
// DOCKER_CERT_PATH and DOCKER_TLS_VERIFY) when set, otherwise the Docker
// context named by DOCKER_CONTEXT or by currentContext in the Docker CLI
// configuration (DOCKER_CONFIG, default ~/.docker), otherwise DefaultHost.
// getenv is os.Getenv in production.
func Resolve(getenv func(string) string) (Endpoint, error) {
	ep := Endpoint{APIVersion: getenv("DOCKER_API_VERSION")}
	if host := getenv("DOCKER_HOST"); host != "" {
		ep.Host, ep.FromEnv = host, true
		return ep, nil
	}
	dir := configDir(getenv)
	name := getenv("DOCKER_CONTEXT")
	if name == "" {
		var err error
		if name, err = currentContext(dir); err != nil {
			return ep, err
		}
	}
	if name == "" || name == "default" {
		ep.Host = DefaultHost
		return ep, nil
	}
	return fromContext(ep, dir, name)
}

func configDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	return filepath.Join(getenv("HOME"), ".docker")
}

func currentContext(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading Docker CLI configuration: %w", err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("reading Docker CLI configuration %s: %w", filepath.Join(dir, "config.json"), jsonerr.Describe(data, err))
	}
	return cfg.CurrentContext, nil
}

// fromContext reads the context store the Docker CLI keeps under
// <config>/contexts: meta/<sha256(name)>/meta.json and tls/<sha256(name)>/docker.
func fromContext(ep Endpoint, dir, name string) (Endpoint, error) {
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	metaPath := filepath.Join(dir, "contexts", "meta", id, "meta.json")
	data, err := os.ReadFile(metaPath)
	if err != nil {
		return ep, fmt.Errorf("reading Docker context %q: %w (list contexts with `docker context ls`, or set DOCKER_HOST)", name, err)
	}
	var meta struct {
		Endpoints map[string]struct {
			Host string `json:"Host"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return ep, fmt.Errorf("reading Docker context %q from %s: %w", name, metaPath, jsonerr.Describe(data, err))
	}
	docker, ok := meta.Endpoints["docker"]
	if !ok || docker.Host == "" {
		return ep, fmt.Errorf("reading Docker context %q: it has no docker endpoint", name)
	}
	ep.Host, ep.Context = docker.Host, name
	tlsDir := filepath.Join(dir, "contexts", "tls", id, "docker")
	if _, err := os.Stat(filepath.Join(tlsDir, "cert.pem")); err == nil {
		ep.TLS = &TLSFiles{
			CA:   filepath.Join(tlsDir, "ca.pem"),
			Cert: filepath.Join(tlsDir, "cert.pem"),
			Key:  filepath.Join(tlsDir, "key.pem"),
		}
	}
	return ep, nil
}

// String describes the endpoint for messages.
func (ep Endpoint) String() string {
	if ep.Context != "" {
		return fmt.Sprintf("%s (Docker context %q)", ep.Host, ep.Context)
	}
	return ep.Host
}
