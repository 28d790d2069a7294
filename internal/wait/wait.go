package wait

import (
	"context"
	"time"
)

// Sleep pauses for d and returns nil, or returns ctx's cause as soon as
// ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
