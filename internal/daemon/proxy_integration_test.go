//go:build integration

package daemon

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nanna-coder/build/internal/testenv"
)

// gate is a point of the first image load where gateProxy stops forwarding
// until the test releases it.
type gate int

const (
	noGate     gate = iota
	holdUpload      // after threshold bytes of the upload
	holdAnswer      // before the daemon's answer to the upload
)

// gateProxy forwards a unix socket to the Docker daemon, so that a test can
// act at a known point of a load instead of racing it: it holds the first
// upload at its gate until release is closed. It records every request line.
type gateProxy struct {
	gate      gate
	threshold int64
	reached   chan struct{} // closed when the gate holds
	release   chan struct{} // closed by the test to go on
	once      sync.Once
	mu        sync.Mutex
	requests  []string
}

// startProxy serves a proxy to the daemon of DOCKER_HOST and returns a Dial
// through it.
func startProxy(t *testing.T, g gate, threshold int64) (*gateProxy, Dial) {
	t.Helper()
	host := os.Getenv("DOCKER_HOST")
	if !strings.HasPrefix(host, "unix://") {
		testenv.Require(t, "DOCKER_HOST=unix://… (the proxy forwards a unix socket)", errors.New("DOCKER_HOST is "+host))
	}
	sock := filepath.Join(t.TempDir(), "proxy.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	p := &gateProxy{gate: g, threshold: threshold, reached: make(chan struct{}), release: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Go(func() { p.serve(ln, strings.TrimPrefix(host, "unix://"), &wg) })
	t.Cleanup(func() {
		p.open()
		ln.Close()
		wg.Wait()
	})
	getenv := func(k string) string {
		if k == "DOCKER_HOST" {
			return "unix://" + sock
		}
		return os.Getenv(k)
	}
	return p, DialEnv(getenv)
}

// open releases the gate (idempotent).
func (p *gateProxy) open() {
	select {
	case <-p.release:
	default:
		close(p.release)
	}
}

func (p *gateProxy) serve(ln net.Listener, daemon string, wg *sync.WaitGroup) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		wg.Go(func() { p.forward(client, daemon) })
	}
}

var requestLine = regexp.MustCompile(`(GET|HEAD|POST|DELETE) (/\S*) HTTP/1\.1`)

// forward copies one connection both ways, holding the first load at the gate.
func (p *gateProxy) forward(client net.Conn, daemon string) {
	defer client.Close()
	upstream, err := net.Dial("unix", daemon)
	if err != nil {
		return
	}
	defer upstream.Close()
	var loading atomic.Bool // this connection carries the gated load
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 32<<10)
		for {
			k, err := upstream.Read(buf)
			if k > 0 && loading.Load() && p.gate == holdAnswer {
				p.hold()
			}
			if k > 0 {
				if _, werr := client.Write(buf[:k]); werr != nil {
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	var n int64
	buf := make([]byte, 32<<10)
	for {
		k, err := client.Read(buf)
		if k > 0 {
			for _, m := range requestLine.FindAllSubmatch(buf[:k], -1) {
				p.record(string(m[1]) + " " + string(m[2]))
				if bytes.Contains(m[2], []byte("/images/load")) {
					p.once.Do(func() { loading.Store(true) })
				}
			}
			if loading.Load() {
				n += int64(k)
				if p.gate == holdUpload && n > p.threshold {
					p.hold()
				}
			}
			if _, werr := upstream.Write(buf[:k]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	if uc, ok := upstream.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	<-done
}

// hold signals the gate and waits for the release.
func (p *gateProxy) hold() {
	select {
	case <-p.reached:
	default:
		close(p.reached)
	}
	<-p.release
}

func (p *gateProxy) record(req string) {
	p.mu.Lock()
	p.requests = append(p.requests, req)
	p.mu.Unlock()
}

// count returns how many recorded requests contain s.
func (p *gateProxy) count(s string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, r := range p.requests {
		if strings.Contains(r, s) {
			n++
		}
	}
	return n
}
