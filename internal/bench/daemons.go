package bench

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/daemon"
)

// Daemon is a Docker daemon the load benchmark runs against.
type Daemon struct {
	// Name says where the address came from: -hosts, or the environment
	// variable that holds it.
	Name string
	// Host is the daemon's address, such as unix:///var/run/docker.sock.
	Host string
}

// hostVars are the environment variables Daemons reads, in report order.
func hostVars() []string {
	return []string{"DOCKER_HOST", "NANNA_DOCKER29_HOST", "NANNA_DOCKER29_CLASSIC_HOST"}
}

// Daemons returns the daemons to benchmark: the comma-separated hosts
// when given (e.g. "unix:///a.sock,unix:///b.sock"), otherwise those that
// DOCKER_HOST, NANNA_DOCKER29_HOST and NANNA_DOCKER29_CLASSIC_HOST name
// (each when set), otherwise the daemon the Docker CLI would use. A host
// named twice is benchmarked once. getenv is os.Getenv in production.
func Daemons(hosts string, getenv func(string) string) ([]Daemon, error) {
	var out []Daemon
	add := func(name, host string) error {
		host = strings.TrimSpace(host)
		if host == "" {
			return nil
		}
		if _, err := client.ParseHostURL(host); err != nil {
			return fmt.Errorf("daemon address %q (%s): %w; give unix:///path/docker.sock or tcp://host:port", host, name, err)
		}
		for _, d := range out {
			if d.Host == host {
				return nil
			}
		}
		out = append(out, Daemon{Name: name, Host: host})
		return nil
	}
	if strings.TrimSpace(hosts) != "" {
		for _, h := range strings.Split(hosts, ",") {
			if err := add("-hosts", h); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	for _, v := range hostVars() {
		if err := add(v, getenv(v)); err != nil {
			return nil, err
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	ep, err := daemon.Resolve(getenv)
	if err != nil {
		return nil, err
	}
	return []Daemon{{Name: "the Docker CLI's daemon", Host: ep.Host}}, nil
}

// engineInfo is what the report says about a daemon.
type engineInfo struct {
	Version, API, MinAPI string
	Store                daemon.ImageStore
	Driver               string // storage driver or snapshotter
}

// String reads "Docker 29.0.1 (API 1.52, min 1.44), containerd image store (overlayfs)".
func (e engineInfo) String() string {
	store := map[daemon.ImageStore]string{
		daemon.ClassicStore:    "classic image store",
		daemon.ContainerdStore: "containerd image store",
		daemon.PodmanStore:     "Podman",
	}[e.Store]
	if store == "" {
		store = "unknown image store"
	}
	return fmt.Sprintf("Docker %s (API %s, min %s), %s (%s)", e.Version, e.API, e.MinAPI, store, e.Driver)
}

// describe asks the daemon at host for its version and image store
// (driver-type io.containerd.snapshotter.v1 means the containerd store).
func describe(ctx context.Context, host string) (engineInfo, error) {
	c, err := daemon.Connect(ctx, daemon.Endpoint{Host: host})
	if err != nil {
		return engineInfo{}, err
	}
	defer c.Close() //nolint:errcheck // nothing buffered
	v, err := c.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return engineInfo{}, fmt.Errorf("asking %s for its version: %w", host, err)
	}
	info, err := c.Info(ctx, client.InfoOptions{})
	if err != nil {
		return engineInfo{}, fmt.Errorf("asking %s for its storage driver: %w", host, err)
	}
	store, err := daemon.DetectImageStore(ctx, c)
	if err != nil {
		return engineInfo{}, err
	}
	return engineInfo{Version: v.Version, API: v.APIVersion, MinAPI: v.MinAPIVersion, Store: store, Driver: info.Info.Driver}, nil
}

// skopeoVersion returns the installed skopeo's version ("1.9.3"), "" when
// there is none.
func skopeoVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "skopeo", "--version").Output()
	if err != nil {
		return ""
	}
	f := strings.Fields(string(out)) // skopeo version 1.9.3 [commit: …]
	if len(f) < 3 {
		return ""
	}
	return f[2]
}

// skopeoBlocked returns why skopeo cannot talk to a daemon whose oldest
// API is minAPI, "" when it can. Releases before 1.15 (containers/image
// before 5.30) pin API 1.22; later ones negotiate.
func skopeoBlocked(version, minAPI string) string {
	if version == "" {
		return "skopeo: not installed"
	}
	if !versionLess(version, "1.15") {
		return ""
	}
	const pinned = "1.22"
	if versionLess(pinned, minAPI) {
		return fmt.Sprintf("skopeo: cannot reach API ≥ %s (skopeo %s speaks %s)", minAPI, version, pinned)
	}
	return ""
}

// versionLess compares dotted numeric versions ("1.9.3" < "1.15");
// anything after a non-digit in a part is ignored.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		x, y := versionPart(pa, i), versionPart(pb, i)
		if x != y {
			return x < y
		}
	}
	return false
}

func versionPart(parts []string, i int) int {
	if i >= len(parts) {
		return 0
	}
	s := parts[i]
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}
