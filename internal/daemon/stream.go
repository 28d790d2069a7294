package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/dockerarchive"
	"github.com/nanna-coder/build/internal/ui"
)

// stream pipes the archive into ImageLoad. A failure on either side stops
// the other: the writer's error closes the pipe so the daemon sees a broken
// upload, and the daemon's early answer closes the reader so the writer
// stops. The writer's own error (a digest mismatch, a missing file) wins over
// the daemon's view of the broken upload.
//
// When ctx ends, an upload that has not sent the whole archive is cut at
// once, so the daemon creates nothing. One that has is not: the daemon
// creates the image whether or not the client stays, so stream waits up to
// settleTimeout for its answer, then returns ctx's cause and leaves the
// image to removeCreated.
func stream(ctx context.Context, c Client, a *artifact, p *dockerarchive.Plan, opts Options, res *Result) error {
	writeCtx, cancelWrite := context.WithCancel(ctx)
	defer cancelWrite()
	upload, cancelUpload := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelUpload()
	pipe := newBufferedPipe()
	bar := newBar(opts, p.Bytes())
	var writeErr error
	written := make(chan struct{})
	go func() {
		defer close(written)
		writeErr = p.Write(writeCtx, bar.ProxyWriter(pipe), a.store, func(i int, n int64) {
			res.Sent = append(res.Sent, i)
			res.Bytes += n
			layerLine(opts, a, i, n)
		})
		if errors.Is(writeErr, errDaemonDone) && p.Complete() {
			writeErr = nil // only the end-of-archive padding was cut off
		}
		pipe.CloseWrite(writeErr)
	}()
	answered := make(chan struct{})
	var cut atomic.Bool // the upload was cut before it had sent everything
	defer context.AfterFunc(ctx, func() {
		select {
		case <-pipe.Drained():
			settle(answered, opts.settleTimeout())
		default:
			cut.Store(true)
		}
		cancelUpload()
	})()
	readErr := func() error {
		defer close(answered)
		resp, err := c.ImageLoad(upload, pipe, client.ImageLoadWithQuiet(true))
		if err != nil {
			return fmt.Errorf("sending the archive to the daemon: %w", err)
		}
		defer resp.Close()
		lines, err := readResponse(resp)
		if opts.Verbose {
			for _, l := range lines {
				fmt.Fprintf(ui.Or(opts.Log), "  daemon: %s\n", l)
			}
		}
		return err
	}()
	pipe.CloseRead(errDaemonDone)
	if readErr != nil {
		cancelWrite()
	}
	<-written
	sent := isClosed(pipe.Drained()) && !cut.Load()
	res.uploaded = res.uploaded || sent
	endBar(bar, writeErr == nil && readErr == nil)
	interrupted := ctx.Err() != nil
	switch {
	case writeErr != nil && !errors.Is(writeErr, errDaemonDone):
		return writeErr
	case interrupted && sent && errors.Is(readErr, context.Canceled):
		return fmt.Errorf("%w: the daemon had the whole archive but did not answer within %s, it may still create image %s (docker rmi %s removes it)",
			context.Cause(ctx), opts.settleTimeout(), res.ID, res.ID)
	case readErr != nil:
		return readErr
	case writeErr != nil:
		return errors.New("the daemon answered before it had read the whole archive")
	case interrupted:
		return context.Cause(ctx)
	}
	return nil
}

// settleTimeout is how long an interrupted load whose archive is complete
// waits for the daemon's answer. mage gives targets 5 s after Ctrl-C, and
// removeCreated needs some of them.
const settleTimeout = 2 * time.Second

func (o Options) settleTimeout() time.Duration {
	if o.settle > 0 {
		return o.settle
	}
	return settleTimeout
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// settle waits until answered is closed, or for d.
func settle(answered <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-answered:
	case <-t.C:
	}
}

// errDaemonDone ends the archive writer when the daemon answered before the
// archive was complete.
var errDaemonDone = errors.New("the daemon closed the upload")
