package binfmt

import (
	"errors"

	"github.com/nanna-coder/build/internal/platform"
)

// ErrUnknownPlatform means a platform name is no spelling of one of
// Platforms; it is platform.ErrUnknown.
var ErrUnknownPlatform = platform.ErrUnknown

// ErrNoInterpreter means no static QEMU was found for a platform.
var ErrNoInterpreter = errors.New("no static QEMU found")

// ErrNeedRoot means an operation needs root: mounting binfmt_misc,
// registering or removing entries, or writing /etc files.
var ErrNeedRoot = errors.New("needs root (CAP_SYS_ADMIN on the host: sudo, or a --privileged container)")

// ErrUnavailable means binfmt_misc cannot be used here: the kernel lacks it
// or it is not mounted and cannot be mounted.
var ErrUnavailable = errors.New("binfmt_misc is not available")

// ErrNotReady means Status found a requested platform that cannot run or
// build its programs.
var ErrNotReady = errors.New("not ready")

// ErrMalformed means a binfmt_misc entry or register line cannot be read.
var ErrMalformed = errors.New("malformed")

// ErrNixLacksPlatform means emulation works but Nix will not build for the
// platform: its extra-platforms setting lacks the platform's system.
var ErrNixLacksPlatform = errors.New("not ready for Nix builds")
