package binfmt

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/ui"
)

// The probes are ./probe cross-built for each platform, stripped and
// compressed. Regenerate them with go generate after changing probe/main.go
// or the Go version; go build needs no generate step.
//go:generate sh -c "GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o probe/linux-arm64 ./probe && gzip -9nf probe/linux-arm64 && chmod 644 probe/linux-arm64.gz"
//go:generate sh -c "GOOS=linux GOARCH=arm GOARM=7 CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o probe/linux-arm ./probe && gzip -9nf probe/linux-arm && chmod 644 probe/linux-arm.gz"
//go:generate sh -c "GOOS=linux GOARCH=riscv64 CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o probe/linux-riscv64 ./probe && gzip -9nf probe/linux-riscv64 && chmod 644 probe/linux-riscv64.gz"
//go:generate sh -c "GOOS=linux GOARCH=ppc64le CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o probe/linux-ppc64le ./probe && gzip -9nf probe/linux-ppc64le && chmod 644 probe/linux-ppc64le.gz"
//go:generate sh -c "GOOS=linux GOARCH=s390x CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o probe/linux-s390x ./probe && gzip -9nf probe/linux-s390x && chmod 644 probe/linux-s390x.gz"
//go:generate sh -c "GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o probe/linux-amd64 ./probe && gzip -9nf probe/linux-amd64 && chmod 644 probe/linux-amd64.gz"

//go:embed probe/*.gz
var probes embed.FS

// Probe returns the probe program of p: a static executable that prints
// p's GOARCH and a newline and, when the environment variable out is set
// (as Nix sets it for a builder), writes the same to that file.
func Probe(p platform.Platform) ([]byte, error) {
	f, err := probes.Open("probe/linux-" + p.GOARCH() + ".gz")
	if err != nil {
		return nil, fmt.Errorf("reading the %s probe: %w", p, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading the %s probe: %w", p, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("reading the %s probe: %w", p, err)
	}
	return b, nil
}

// ProbeResult is the outcome of running a platform's probe.
type ProbeResult struct {
	// Chroot is true when the probe ran inside an empty chroot, where only
	// an F registration (or a QEMU inside the chroot) can run it.
	Chroot bool
	// Output is what the probe printed, trimmed.
	Output string
	// Took is how long the run took.
	Took time.Duration
	// Err says why the probe did not print its architecture; nil when it
	// did.
	Err error
}

// OK reports whether the probe printed its architecture.
func (r ProbeResult) OK() bool { return r.Err == nil }

// String describes the result in a few words, such as "works in an empty
// chroot (45ms)".
func (r ProbeResult) String() string {
	where := "directly"
	if r.Chroot {
		where = "in an empty chroot"
	}
	if r.Err != nil {
		return fmt.Sprintf("fails %s: %v", where, r.Err)
	}
	return fmt.Sprintf("works %s (%s)", where, r.Took.Round(time.Millisecond))
}

// prober runs program, the probe of p, and checks that it prints p's GOARCH.
type prober func(ctx context.Context, p platform.Platform, program []byte, chroot bool) ProbeResult

// probeTimeout bounds one probe run; QEMU starts in milliseconds.
const probeTimeout = 60 * time.Second

// runProbe writes program to a new temporary directory and runs it there
// with an empty environment; with chroot it runs as /probe inside that
// otherwise empty directory, which needs root (CAP_SYS_CHROOT).
func runProbe(ctx context.Context, p platform.Platform, program []byte, chroot bool) ProbeResult {
	res := ProbeResult{Chroot: chroot}
	out, took, err := runIsolated(ctx, program, chroot)
	res.Output, res.Took = strings.TrimSpace(string(out)), took
	switch {
	case err != nil:
		res.Err = err
	case res.Output != p.GOARCH():
		res.Err = fmt.Errorf("printed %q, want %q", ui.Abbreviate(res.Output, 60), p.GOARCH())
	}
	return res
}

// runIsolated runs program as described for runProbe and returns its
// combined output.
func runIsolated(ctx context.Context, program []byte, chroot bool) ([]byte, time.Duration, error) {
	dir, err := os.MkdirTemp("", "nanna-binfmt-probe-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "probe")
	if err := os.WriteFile(path, program, 0o755); err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = []string{}
	if chroot {
		cmd.Path, cmd.Args, cmd.Dir = "/probe", []string{"/probe"}, "/"
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: dir}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	switch {
	case errors.Is(err, syscall.ENOEXEC):
		return out.Bytes(), took, errors.New("exec format error: no working binfmt_misc entry")
	case errors.Is(err, syscall.ENOENT) && chroot:
		return out.Bytes(), took, errors.New("interpreter not found inside the chroot (an entry without F)")
	case errors.Is(err, syscall.EPERM) && chroot:
		return out.Bytes(), took, fmt.Errorf("chroot: %w", ErrNeedRoot)
	case ctx.Err() != nil:
		return out.Bytes(), took, fmt.Errorf("no answer within %s", probeTimeout)
	case err != nil:
		if tail := strings.TrimSpace(out.String()); tail != "" {
			return out.Bytes(), took, fmt.Errorf("%w: %s", err, ui.Abbreviate(tail, 60))
		}
		return out.Bytes(), took, err
	}
	return out.Bytes(), took, nil
}
