package push

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/fixtures"
)

// stallPatches makes a registry read the first n blob uploads (PATCH) to
// the end and then never answer, until the client hangs up; n < 0 stalls
// every one. It returns how many uploads arrived.
func stallPatches(n int) (func(w http.ResponseWriter, r *http.Request) bool, func() int) {
	var mu sync.Mutex
	patches := 0
	wrap := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPatch {
			return false
		}
		mu.Lock()
		patches++
		stall := n < 0 || patches <= n
		mu.Unlock()
		if !stall {
			return false
		}
		io.Copy(io.Discard, r.Body) // the whole blob is accepted…
		<-r.Context().Done()        // …and never answered
		return true
	}
	return wrap, func() int { mu.Lock(); defer mu.Unlock(); return patches }
}

// countSleeps replaces the pause between attempts: it returns at once and
// counts the calls.
func countSleeps(n *int) func(context.Context, time.Duration) error {
	return func(ctx context.Context, _ time.Duration) error {
		*n++
		return ctx.Err()
	}
}

func TestPushTimeoutNamesTheStall(t *testing.T) {
	wrap, _ := stallPatches(-1)
	host, c := testRegistry(t, wrap)
	img, _ := fixtures.Case(t, "basic")
	ref := host + "/nanna/basic:v1"
	_, err := Image(context.Background(), img, []string{ref}, Options{Store: fixtures.Root(t), Timeout: 200 * time.Millisecond, Attempts: 3, sleep: countSleeps(new(int))})
	if err == nil {
		t.Fatal("Image() to a stalled registry succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"pushing " + ref, "registry " + host + " stalled", "a blob upload to nanna/basic"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Image() = %q, want it to contain %q", msg, want)
		}
	}
	// The request's own deadline and the whole push's are both 200ms here;
	// whichever fires first, the message names the configured bound.
	if !strings.Contains(msg, "timed out after 200ms") {
		t.Errorf("Image() = %q, want it to name the 200ms bound", msg)
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, "Patch \"http") {
		t.Errorf("Image() = %q, want one line without the request URL", msg)
	}
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, ErrStalled) {
		t.Errorf("Image() = %v, want it to wrap ErrTimeout and ErrStalled", err)
	}
	if _, manifests, _ := c.get(); manifests != 0 {
		t.Errorf("%d manifests put, want none", manifests)
	}
}

func TestPushRetriesAStalledRequest(t *testing.T) {
	for _, tt := range []struct {
		name             string
		stalls, attempts int
		wantErr          bool
		wantPatches      int
	}{
		{"one stall, two attempts", 1, 2, false, 3}, // the stalled one, then the layer and the config
		{"always stalls", -1, 2, true, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wrap, patches := stallPatches(tt.stalls)
			host, _ := testRegistry(t, wrap)
			img, want := fixtures.Case(t, "basic")
			sleeps := 0
			opts := Options{Store: fixtures.Root(t), RequestTimeout: 200 * time.Millisecond, Timeout: time.Minute, Attempts: tt.attempts, Jobs: 1, sleep: countSleeps(&sleeps)}
			res, err := Image(context.Background(), img, []string{host + "/nanna/basic:v1"}, opts)
			if tt.wantErr {
				msg := ""
				if err != nil {
					msg = err.Error()
				}
				for _, w := range []string{"registry " + host + " stalled", "no answer to a blob upload to nanna/basic within 200ms", "tried 2 times"} {
					if !strings.Contains(msg, w) {
						t.Errorf("Image() = %q, want it to contain %q", msg, w)
					}
				}
			} else if err != nil {
				t.Fatalf("Image() = %v", err)
			}
			if got := patches(); got != tt.wantPatches || sleeps != tt.attempts-1 {
				t.Errorf("%d uploads, %d pauses; want %d and %d", got, sleeps, tt.wantPatches, tt.attempts-1)
			}
			if !tt.wantErr && (res.Attempts != 2 || len(res.Blobs) != len(want.Layers)) {
				t.Errorf("Result: %d attempts, %d blobs; want 2 and %d", res.Attempts, len(res.Blobs), len(want.Layers))
			}
		})
	}
}

// TestPushWaitsForARegistryToComeBack pushes to a registry that refuses
// connections (its port is closed) for the first attempts and then starts.
func TestPushWaitsForARegistryToComeBack(t *testing.T) {
	for _, tt := range []struct {
		down, attempts int
		wantErr        bool
	}{{2, 3, false}, {2, 2, true}} {
		t.Run("", func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().String()
			l.Close() // connection refused from now on
			sleeps := 0
			sleep := func(ctx context.Context, _ time.Duration) error {
				sleeps++
				if sleeps == tt.down {
					startRegistryAt(t, addr)
				}
				return nil
			}
			img, _ := fixtures.Case(t, "basic")
			res, err := Image(context.Background(), img, []string{addr + "/nanna/basic:v1"}, Options{Store: fixtures.Root(t), Attempts: tt.attempts, sleep: sleep})
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "tried 2 times") {
					t.Errorf("Image() with the registry down for %d attempts of %d = %v, want connection refused, tried 2 times", tt.down, tt.attempts, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Image() = %v", err)
			}
			if res.Attempts != tt.down+1 || sleeps != tt.down {
				t.Errorf("%d attempts, %d pauses; want %d and %d", res.Attempts, sleeps, tt.down+1, tt.down)
			}
			if _, err := pull(t, addr+"/nanna/basic:v1").Manifest(); err != nil {
				t.Errorf("reading the pushed manifest: %v", err)
			}
		})
	}
}

// startRegistryAt serves the in-memory registry on addr.
func startRegistryAt(t *testing.T, addr string) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening on %s again: %v", addr, err)
	}
	srv := &http.Server{Handler: newRegistry(&counts{}, nil)}
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(l) }()
	t.Cleanup(func() { srv.Close(); <-done })
}

func TestDeadlineConnStopsAWriteNobodyReads(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := deadlineConn{Conn: client, idle: time.Millisecond}
	defer c.Close()
	_, err := c.Write([]byte("a request body nobody reads"))
	var netErr net.Error
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("Write() to a peer that does not read = %v, want a timeout", err)
	}
}
