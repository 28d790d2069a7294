package models

import (
	"context"
	"fmt"
	"time"

	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/ui"
)

// HashPath prints the NAR hash of path to opts.Out, first in SRI form (as
// `nix hash path` prints it) and then in Nix's base 32 (as `nix-hash --type
// sha256 --base32` prints it), one per line, and the NAR size and time
// taken to opts.Log.
func HashPath(ctx context.Context, path string, opts Options) (narhash.Hash, error) {
	start := time.Now()
	h, err := narhash.Path(ctx, path)
	if err != nil {
		return h, err
	}
	fmt.Fprintf(ui.Or(opts.Out), "%s\n%s\n", h.SRI(), h.Base32())
	d := time.Since(start)
	fmt.Fprintf(ui.Or(opts.Log), "%s: NAR of %d bytes hashed in %.2fs (%.0f MB/s)\n", path, h.NARSize, d.Seconds(), float64(h.NARSize)/1e6/max(d.Seconds(), 1e-9))
	return h, nil
}
