package container

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// fakeDaemon models the rules Run depends on: a container must be created
// before it is waited for and started, waiting must begin before the start
// (or a fast exit is missed), a request ends with its context, logs are
// multiplexed, a running container is removed only by force, and every
// container is removed at the end.
type fakeDaemon struct {
	calls       []string
	exit        int64
	stdout      string
	stderr      string
	startErr    error
	block       bool // the container runs until killed
	startBlocks bool // ContainerStart takes until its context ends
	waitErr     chan error
}

func (f *fakeDaemon) ContainerCreate(_ context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	f.calls = append(f.calls, "create "+o.Config.Image+" "+string(o.HostConfig.NetworkMode)+" "+strings.Join(o.Config.Cmd, " "))
	return client.ContainerCreateResult{ID: "c1"}, nil
}

func (f *fakeDaemon) ContainerWait(ctx context.Context, id string, o client.ContainerWaitOptions) client.ContainerWaitResult {
	f.calls = append(f.calls, "wait "+string(o.Condition))
	res, errs := make(chan container.WaitResponse, 1), make(chan error, 1)
	if f.block {
		go func() { <-ctx.Done(); errs <- ctx.Err() }()
	} else {
		f.waitErr = errs
		res <- container.WaitResponse{StatusCode: f.exit}
	}
	return client.ContainerWaitResult{Result: res, Error: errs}
}

func (f *fakeDaemon) ContainerStart(ctx context.Context, id string, _ client.ContainerStartOptions) (client.ContainerStartResult, error) {
	if len(f.calls) == 0 || !strings.HasPrefix(f.calls[len(f.calls)-1], "wait") {
		panic("ContainerStart before ContainerWait: a fast exit would be missed")
	}
	f.calls = append(f.calls, "start "+id)
	if f.startBlocks {
		<-ctx.Done()
		return client.ContainerStartResult{}, ctx.Err()
	}
	return client.ContainerStartResult{}, f.startErr
}

func (f *fakeDaemon) ContainerLogs(ctx context.Context, id string, o client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	pr, pw := io.Pipe()
	go func() {
		frame(pw, stdcopy.Stdout, f.stdout)
		frame(pw, stdcopy.Stderr, f.stderr)
		if f.block {
			<-ctx.Done()
		}
		pw.Close()
	}()
	return pr, nil
}

func (f *fakeDaemon) ContainerRemove(_ context.Context, id string, o client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	if f.block && !o.Force {
		return client.ContainerRemoveResult{}, errors.New("conflict: you cannot remove a running container; stop it or use force")
	}
	if o.Force {
		id += " force"
	}
	f.calls = append(f.calls, "remove "+id)
	return client.ContainerRemoveResult{}, nil
}

var _ Client = (*fakeDaemon)(nil)

// frame writes s as one frame of the Docker API's multiplexed log stream:
// a stream byte, three zero bytes, the big-endian length, the bytes.
func frame(w io.Writer, stream stdcopy.StdType, s string) {
	if s == "" {
		return
	}
	h := make([]byte, 8)
	h[0] = byte(stream)
	binary.BigEndian.PutUint32(h[4:], uint32(len(s)))
	w.Write(append(h, s...))
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		daemon     fakeDaemon
		opts       Options
		cancel     bool
		wantCode   int
		wantErr    string
		wantCalls  []string
		wantStdout string
		wantStderr string
	}{
		{"exit 0 with output", fakeDaemon{stdout: "hello\n", stderr: "warn\n"}, Options{Image: "demo:latest"}, false, 0, "",
			[]string{"create demo:latest none ", "wait next-exit", "start c1", "remove c1 force"}, "hello\n", "warn\n"},
		{"non-zero exit is a status, not an error", fakeDaemon{exit: 3}, Options{Image: "demo:latest", Cmd: []string{"--help"}, Network: "host"}, false, 3, "",
			[]string{"create demo:latest host --help", "wait next-exit", "start c1", "remove c1 force"}, "", ""},
		{"start fails: removed all the same", fakeDaemon{startErr: errors.New("no such file")}, Options{Image: "demo:latest"}, false, 0, "starting a container of demo:latest: no such file",
			[]string{"create demo:latest none ", "wait next-exit", "start c1", "remove c1 force"}, "", ""},
		{"interrupted: killed and removed", fakeDaemon{block: true, stdout: "started\n"}, Options{Image: "demo:latest"}, true, 0, "context canceled",
			[]string{"create demo:latest none ", "wait next-exit", "start c1", "remove c1 force"}, "started\n", ""},
		{"timed out: killed and removed", fakeDaemon{block: true, stdout: "started\n"}, Options{Image: "demo:latest", Timeout: time.Nanosecond}, false, 0, "running demo:latest: did not finish within 1ns",
			[]string{"create demo:latest none ", "wait next-exit", "start c1", "remove c1 force"}, "started\n", ""},
		{"timed out starting", fakeDaemon{startBlocks: true}, Options{Image: "demo:latest", Timeout: time.Nanosecond}, false, 0, "starting a container of demo:latest: did not finish within 1ns",
			[]string{"create demo:latest none ", "wait next-exit", "start c1", "remove c1 force"}, "", ""},
		{"a timeout that does not run out", fakeDaemon{exit: 0, stdout: "ok\n"}, Options{Image: "demo:latest", Timeout: time.Hour}, false, 0, "",
			[]string{"create demo:latest none ", "wait next-exit", "start c1", "remove c1 force"}, "ok\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			tt.opts.Stdout, tt.opts.Stderr = &stdout, &stderr
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				tt.opts.Stdout = cancelOnWrite{&stdout, cancel}
			}
			code, err := Run(ctx, &tt.daemon, tt.opts)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Run() error = %v, want %q", err, tt.wantErr)
			}
			if wantTimeout := strings.Contains(tt.wantErr, "did not finish"); errors.Is(err, ErrTimeout) != wantTimeout {
				t.Errorf("errors.Is(%v, ErrTimeout) = %v, want %v", err, !wantTimeout, wantTimeout)
			}
			if code != tt.wantCode {
				t.Errorf("Run() = %d, want %d", code, tt.wantCode)
			}
			if diff := cmp.Diff(tt.wantCalls, tt.daemon.calls); diff != "" {
				t.Errorf("daemon calls (-want +got):\n%s", diff)
			}
			if stdout.String() != tt.wantStdout || stderr.String() != tt.wantStderr {
				t.Errorf("output = %q, %q; want %q, %q", stdout.String(), stderr.String(), tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

// cancelOnWrite cancels the run once the container printed something, as
// Ctrl-C during a running container does.
type cancelOnWrite struct {
	w      io.Writer
	cancel func()
}

func (c cancelOnWrite) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.cancel()
	return n, err
}
