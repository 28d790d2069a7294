package container

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/ui"
)

// Client is the subset of the Docker client that Run uses.
type Client interface {
	// ContainerCreate creates a container; it does not start it.
	ContainerCreate(ctx context.Context, opts client.ContainerCreateOptions) (client.ContainerCreateResult, error)
	// ContainerWait reports when the container reaches the condition; call
	// it before ContainerStart so that a fast exit is not missed.
	ContainerWait(ctx context.Context, id string, opts client.ContainerWaitOptions) client.ContainerWaitResult
	// ContainerStart starts a created container.
	ContainerStart(ctx context.Context, id string, opts client.ContainerStartOptions) (client.ContainerStartResult, error)
	// ContainerLogs streams the container's output, multiplexed unless it
	// has a TTY.
	ContainerLogs(ctx context.Context, id string, opts client.ContainerLogsOptions) (client.ContainerLogsResult, error)
	// ContainerRemove removes the container; Force kills it first.
	ContainerRemove(ctx context.Context, id string, opts client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
}

// Options say what to run.
type Options struct {
	// Image is the reference or ID of a loaded image.
	Image string
	// Cmd replaces the image's Cmd (the arguments of its Entrypoint); nil
	// keeps it.
	Cmd []string
	// Network is the network mode; "" means "none": nothing a smoke test
	// or the demo runs needs the network.
	Network string
	// Stdout and Stderr receive the container's output; nil discards it.
	Stdout, Stderr io.Writer
	// Timeout bounds the command, from just before the container starts
	// to its exit; when it runs out, the container is killed and removed
	// and Run's error wraps ErrTimeout. 0 means no bound.
	Timeout time.Duration
}

// ErrTimeout is wrapped by the error of a run that outlasted
// Options.Timeout.
var ErrTimeout = errors.New("did not finish")

// label marks the containers Run creates, so a leftover one is recognisable.
const label = "org.nanna-coder.build.run"

// removeTimeout bounds the clean-up after the caller's context ended.
const removeTimeout = 30 * time.Second

// Run creates a container of opts.Image, starts it, copies its output to
// opts.Stdout and opts.Stderr until it exits, removes it and returns its exit
// status. When ctx or opts.Timeout ends first, the container is killed and
// removed and the context's error (or one wrapping ErrTimeout) returned. A
// non-zero exit status is not an error.
func Run(ctx context.Context, c Client, opts Options) (int, error) {
	network := opts.Network
	if network == "" {
		network = "none"
	}
	created, err := c.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: opts.Image, Cmd: opts.Cmd, Labels: map[string]string{label: "true"}},
		HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode(network)},
	})
	if err != nil {
		return 0, fmt.Errorf("creating a container of %s: %w", opts.Image, err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
		defer cancel()
		c.ContainerRemove(rctx, created.ID, client.ContainerRemoveOptions{Force: true})
	}()
	ctx, cancel := withTimeout(ctx, opts.Timeout)
	defer cancel()
	wait := c.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := c.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		if cause := context.Cause(ctx); errors.Is(cause, ErrTimeout) {
			err = cause
		}
		return 0, fmt.Errorf("starting a container of %s: %w", opts.Image, err)
	}
	copied := make(chan error, 1)
	go func() { copied <- copyLogs(ctx, c, created.ID, opts) }()
	select {
	case res := <-wait.Result:
		logErr := <-copied
		if res.Error != nil && res.Error.Message != "" {
			return int(res.StatusCode), fmt.Errorf("running %s: %s", opts.Image, res.Error.Message)
		}
		if logErr != nil && !errors.Is(logErr, context.Canceled) {
			return int(res.StatusCode), fmt.Errorf("reading the output of %s: %w", opts.Image, logErr)
		}
		return int(res.StatusCode), nil
	case err := <-wait.Error:
		<-copied
		if ctx.Err() != nil {
			return 0, fmt.Errorf("running %s: %w", opts.Image, context.Cause(ctx))
		}
		return 0, fmt.Errorf("waiting for the container of %s: %w", opts.Image, err)
	}
}

// withTimeout bounds ctx by d, with a cause wrapping ErrTimeout; d <= 0
// means no bound.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, fmt.Errorf("%w within %s", ErrTimeout, d))
}

// copyLogs follows the container's output until it exits.
func copyLogs(ctx context.Context, c Client, id string, opts Options) error {
	logs, err := c.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
	if err != nil {
		return err
	}
	defer logs.Close()
	stdout, stderr := ui.Or(opts.Stdout), ui.Or(opts.Stderr)
	_, err = stdcopy.StdCopy(stdout, stderr, logs)
	return err
}
