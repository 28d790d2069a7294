package daemon

import (
	"context"
	"io"

	"github.com/moby/moby/client"
)

// Client is the subset of the Docker client that loading uses. *client.Client
// satisfies it.
type Client interface {
	// ImageInspect finds an image by ID or reference; a missing image is an
	// error for which errdefs.IsNotFound is true.
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
	// ImageRemove deletes an image; without Force the daemon refuses (a
	// conflict, errdefs.IsConflict) while a container uses it. Removed by
	// ID, an image tagged in one repository loses those tags too.
	ImageRemove(ctx context.Context, image string, opts client.ImageRemoveOptions) (client.ImageRemoveResult, error)
	// ImageLoad reads a docker-archive from the reader until EOF and returns
	// the daemon's JSON message stream, which the caller closes.
	ImageLoad(ctx context.Context, input io.Reader, opts ...client.ImageLoadOption) (client.ImageLoadResult, error)
	// ImageTag adds the reference Target to the image Source.
	ImageTag(ctx context.Context, opts client.ImageTagOptions) (client.ImageTagResult, error)
	// Info describes the daemon, including its storage driver.
	Info(ctx context.Context, opts client.InfoOptions) (client.SystemInfoResult, error)
	// ServerVersion names the engine (Docker or Podman) and its components.
	ServerVersion(ctx context.Context, opts client.ServerVersionOptions) (client.ServerVersionResult, error)
}

// Dial connects to a daemon. Load calls it once per attempt, so a daemon
// that was not yet up is reached on a retry.
type Dial func(ctx context.Context) (Client, io.Closer, error)

// DialEnv returns a Dial for the daemon the Docker CLI would use (DOCKER_HOST,
// DOCKER_API_VERSION, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY, or the current
// Docker context). getenv is os.Getenv in production.
func DialEnv(getenv func(string) string) Dial {
	return func(ctx context.Context) (Client, io.Closer, error) {
		ep, err := Resolve(getenv)
		if err != nil {
			return nil, nil, err
		}
		c, err := Connect(ctx, ep)
		if err != nil {
			return nil, nil, err
		}
		return c, c, nil
	}
}
