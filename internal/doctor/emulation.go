package doctor

import (
	"context"
	"io"
	"strings"

	"github.com/nanna-coder/build/internal/binfmt"
)

// multiArch is the foreign platform nanna-coder's multi-arch images add.
const multiArch = "arm64"

// checkEmulation says whether this machine can run and build the
// multi-arch platform's programs (qemu:status's verdict). Only multi-arch
// builds need it: a warning.
func checkEmulation(ctx context.Context, getenv func(string) string) Finding {
	ps, err := binfmt.ParsePlatforms(multiArch)
	if err != nil {
		return Finding{Warn, err.Error(), ""}
	}
	if ps[0].Native() {
		return Finding{OK, ps[0].String() + " is native here", ""}
	}
	_, err = binfmt.Status(ctx, ps, binfmt.Options{Log: io.Discard, Getenv: getenv})
	if err != nil {
		detail, _, _ := strings.Cut(err.Error(), " (qemu:setup")
		return Finding{Warn, "multi-arch builds for " + ps[0].String() + ": " + detail,
			"sudo go tool mage qemu:setup " + multiArch + " -writeNixConf (only needed for multi-arch builds)"}
	}
	return Finding{OK, ps[0].String() + " programs run and build through QEMU", ""}
}
