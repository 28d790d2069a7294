package ci

import "os"

// Enabled reports whether this run is CI (CI=true), where a missing daemon,
// Nix or registry fails the run instead of being skipped.
func Enabled() bool { return os.Getenv("CI") == "true" }
