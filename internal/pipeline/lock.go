package pipeline

import (
	"context"
	"os"

	"github.com/nanna-coder/build/internal/flock"
)

// lockFile takes an exclusive lock on path (flock.Lock), creating the file
// if it is missing, waiting while another process (or Engine) holds it
// until ctx is done. It returns the function that releases the lock and
// whether the lock excludes every other writer: false on a system without
// flock, where nothing is locked (records are still replaced atomically,
// but temporary files of writers that died are not removed, as they cannot
// be told from those of live writers).
func lockFile(ctx context.Context, path string) (unlock func() error, exclusive bool, err error) {
	if !flock.Supported {
		return func() error { return nil }, false, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	if err := flock.Lock(ctx, f, nil); err != nil {
		f.Close() //nolint:errcheck // nothing written
		return nil, false, err
	}
	return f.Close, true, nil // closing releases the lock
}
