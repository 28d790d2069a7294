package doctor

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/contentstore"
	"github.com/nanna-coder/build/internal/daemon"
)

// dockerState is what the docker check learned, for the checks after it.
type dockerState struct {
	// Root is the daemon's data root when the daemon is on this machine.
	Root string
}

// checkDocker connects to the daemon the loader would use and names its
// engine, API version and image store; when none answers it looks for a
// Podman socket to suggest instead.
func checkDocker(ctx context.Context, m Machine, st *dockerState) Finding {
	ep, err := daemon.Resolve(m.Getenv)
	if err != nil {
		return Finding{Fail, firstLine(err.Error()), "fix the Docker CLI configuration or set DOCKER_HOST"}
	}
	c, err := daemon.Connect(ctx, ep)
	if err != nil {
		return unreachable(err, podmanSocket(ctx, m))
	}
	defer c.Close()
	v, err := c.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return Finding{Fail, "asking for the version: " + err.Error(), "check `docker version`"}
	}
	if info, err := c.Info(ctx, client.InfoOptions{}); err == nil && strings.HasPrefix(ep.Host, "unix://") {
		st.Root = info.Info.DockerRootDir
	}
	store, err := daemon.DetectImageStore(ctx, c)
	if err != nil {
		return Finding{Warn, err.Error(), ""}
	}
	detail := fmt.Sprintf("%s: engine %s, API %s (client %s), %s image store", ep, v.Version, v.APIVersion, c.ClientVersion(), store)
	switch store {
	case daemon.ClassicStore:
		return Finding{OK, detail + ": layers the daemon holds are skipped", ""}
	case daemon.ContainerdStore:
		return containerdPath(ctx, c, detail)
	}
	return Finding{OK, detail + ": every layer is sent on a cold load", ""}
}

// unreachable is the docker row when no daemon answers: what went wrong,
// and the fix, which offers podman (a Podman socket that answers) if set.
func unreachable(err error, podman string) Finding {
	detail, fix := err.Error(), ""
	var de *daemon.Error
	if errors.As(err, &de) {
		detail, fix = de.Err.Error(), de.Fix
	}
	if podman != "" {
		fix = "Podman answers at " + podman + ": export DOCKER_HOST=" + podman + " to load into Podman instead, or " + fix
	}
	return Finding{Fail, detail, fix}
}

// containerdPath says which way loads take into a containerd image store:
// straight into the daemon's containerd when its socket is reachable, else
// the Docker API, where only blobs of images loaded before are skipped.
func containerdPath(ctx context.Context, c *client.Client, detail string) Finding {
	info, err := c.Info(ctx, client.InfoOptions{})
	if err != nil || info.Info.Containerd == nil || info.Info.Containerd.Address == "" {
		return Finding{Warn, detail + ": loads go through the Docker API (the daemon names no containerd socket)",
			"nothing to do; for exact deltas the loader needs the daemon's containerd socket"}
	}
	addr := info.Info.Containerd.Address
	ns := info.Info.Containerd.Namespaces.Containers
	if s, err := contentstore.Dial(ctx, addr, ns); err == nil {
		s.Close()
		return Finding{OK, detail + ": loads write into its containerd (" + addr + "), sending only the blobs it lacks", ""}
	} else if !errors.Is(err, contentstore.ErrUnavailable) {
		return Finding{Warn, detail + ": its containerd at " + addr + " answers wrongly (" + err.Error() + "); loads go through the Docker API", ""}
	}
	return Finding{Warn, detail + ": loads go through the Docker API, skipping only blobs of images this machine loaded before",
		"for deltas on every load, run the loads as a user who may open " + addr + " (root on the daemon's host)"}
}

// podmanSocket returns the address of a Podman socket that answers, or "".
func podmanSocket(ctx context.Context, m Machine) string {
	var candidates []string
	if d := m.Getenv("XDG_RUNTIME_DIR"); d != "" {
		candidates = append(candidates, filepath.Join(d, "podman", "podman.sock"))
	}
	candidates = append(candidates, "/run/user/"+strconv.Itoa(m.Euid)+"/podman/podman.sock", "/run/podman/podman.sock")
	for _, sock := range candidates {
		if !m.Exists(sock) {
			continue
		}
		ep := daemon.Endpoint{Host: "unix://" + sock}
		if c, err := daemon.Connect(ctx, ep); err == nil {
			c.Close()
			return ep.Host
		}
	}
	return ""
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
