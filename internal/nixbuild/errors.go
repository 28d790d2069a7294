package nixbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrNixNotFound means there is no nix executable on PATH.
var ErrNixNotFound = errors.New("nix not found on PATH: install Nix (https://nixos.org/download) or Debian's nix-bin")

// ErrFeaturesDisabled means nix refused to run because the nix-command or
// flakes experimental feature is disabled, which happens despite the
// --extra-experimental-features flag when a wrapper or an old nix ignores it.
var ErrFeaturesDisabled = errors.New("nix experimental features are disabled: " +
	"add \"experimental-features = nix-command flakes\" to /etc/nix/nix.conf or to the NIX_CONFIG environment variable")

// ErrNixTooOld means the nix on PATH predates Nix 2.4, the first release
// with the nix-command and flakes features this package relies on.
var ErrNixTooOld = errors.New("nix is too old: Nix 2.4 or newer is required")

// ErrNotImage means an installable evaluated to something without the
// imageName and imageTag passthru attributes of a nix2container buildImage.
var ErrNotImage = errors.New("not a nix2container buildImage (no imageName/imageTag attributes)")

// stderrTailLines is how many lines of nix's stderr an error carries.
const stderrTailLines = 30

var (
	featuresDisabledRE = regexp.MustCompile(`experimental Nix feature '(nix-command|flakes)' is disabled`)
	tooOldRE           = regexp.MustCompile(`unrecognised flag '--extra-experimental-features'`)
)

// commandError builds the error for a failed nix invocation: the action
// ("building"), its object, the cause, and the tail of nix's stderr unless
// shown is set: opts.Log got the whole log live, so it is not repeated.
func commandError(ctx context.Context, action, object string, err error, stderr []byte, shown bool) error {
	cause := err
	switch {
	case ctx.Err() != nil:
		cause = ctx.Err()
	case errors.Is(err, ErrNixNotFound):
		return fmt.Errorf("%s %s: %w", action, object, err)
	case featuresDisabledRE.Match(stderr):
		cause = ErrFeaturesDisabled
	case tooOldRE.Match(stderr):
		cause = ErrNixTooOld
	}
	if shown {
		return fmt.Errorf("%s %s: %w (Nix's log is above)", action, object, cause)
	}
	if tail := stderrTail(stderr, stderrTailLines); tail != "" {
		return fmt.Errorf("%s %s: %w\n%s", action, object, cause, tail)
	}
	return fmt.Errorf("%s %s: %w", action, object, cause)
}

// stderrTail returns the last n non-blank-trailing lines of stderr.
func stderrTail(stderr []byte, n int) string {
	s := strings.TrimRight(string(bytes.ToValidUTF8(stderr, []byte("?"))), " \t\r\n")
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
