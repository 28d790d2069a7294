package nixbuild

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/nanna-coder/build/internal/ui"
)

// Runner runs nix with args. It returns nix's stdout, streams nix's stderr
// to log (which may be io.Discard) as it arrives, and also returns the
// captured stderr, so that callers can show it when nix fails.
type Runner func(ctx context.Context, args []string, log io.Writer) (stdout []byte, stderr []byte, err error)

// maxCapturedStderr bounds the stderr kept in memory by the default runner;
// only the tail is ever shown, and nix build logs can be large.
const maxCapturedStderr = 1 << 20

// interruptGrace is how long a cancelled nix gets to exit after SIGINT
// before it is killed.
const interruptGrace = 10 * time.Second

// execRunner is the default Runner: it runs the nix found on PATH.
func execRunner(ctx context.Context, args []string, log io.Writer) ([]byte, []byte, error) {
	nix, err := exec.LookPath("nix")
	if err != nil {
		return nil, nil, fmt.Errorf("%w (%v)", ErrNixNotFound, err)
	}
	log = ui.Or(log)
	var stdout bytes.Buffer
	stderr := &ui.Tail{Max: maxCapturedStderr}
	cmd := exec.CommandContext(ctx, nix, args...)
	cmd.Stdout = &stdout
	filtered := &filterWriter{w: io.MultiWriter(stderr, logWriter{log})}
	cmd.Stderr = filtered
	// Nix cleans up (temporary roots, build users) on SIGINT; kill it only
	// if it ignores the interrupt.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = interruptGrace
	err = cmd.Run()
	filtered.Flush()
	return stdout.Bytes(), stderr.Bytes(), err
}

// logWriter forwards writes to w and never fails, so that a broken log
// (a closed terminal, say) cannot abort a build.
type logWriter struct{ w io.Writer }

func (l logWriter) Write(p []byte) (int, error) {
	_, _ = l.w.Write(p)
	return len(p), nil
}
