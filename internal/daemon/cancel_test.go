package daemon

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// stallingDaemon reads a little of the upload, then runs stall (which
// cancels the context or waits for the timeout) and keeps reading until
// the upload breaks, as a daemon does when its client goes away.
type stallingDaemon struct {
	*fakeDaemon
	stall func()
}

func (s *stallingDaemon) ImageLoad(ctx context.Context, r io.Reader, _ ...client.ImageLoadOption) (client.ImageLoadResult, error) {
	if err := s.count(ctx, "ImageLoad"); err != nil {
		return nil, err
	}
	buf := make([]byte, 512)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	s.stall()
	<-ctx.Done()
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, err
	}
	return nil, ctx.Err()
}

func TestImageInterrupted(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		cancel  bool
		want    string
	}{
		{"Ctrl-C", 0, true, "context canceled"},
		{"timeout", 50 * time.Millisecond, false, "timed out after 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, src := testImage(t, threeLayers...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			d := &stallingDaemon{fakeDaemon: newFakeDaemon(ClassicStore), stall: func() {
				if tt.cancel {
					cancel()
				}
			}}
			dial := func(ctx context.Context) (Client, io.Closer, error) {
				_ = d.count(ctx, "Dial")
				return d, io.NopCloser(nil), nil
			}
			_, err := Image(ctx, dial, img, Options{Refs: []string{"app:latest"}, Store: src, Timeout: tt.timeout, Attempts: 3})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Image() = %v, want an error containing %q", err, tt.want)
			}
			if testing.Verbose() {
				t.Log(err)
			}
			if errors.Is(err, ErrTimeout) == tt.cancel || strings.Contains(err.Error(), "timeoutSeconds") {
				t.Errorf("Image() = %v; want it to wrap ErrTimeout exactly when the timeout ran out, and to name no configuration key (the caller knows where the timeout came from)", err)
			}
			if d.calls["ImageTag"] != 0 || len(d.tags) != 0 {
				t.Errorf("tagged %v after an interrupted load, want nothing", d.tags)
			}
			if d.calls["Dial"] != 1 {
				t.Errorf("Dial calls = %d, want 1: an interrupted load is not retried", d.calls["Dial"])
			}
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && tt.cancel {
				t.Errorf("Image() = %v, want it to wrap context.Canceled", err)
			}
		})
	}
}
