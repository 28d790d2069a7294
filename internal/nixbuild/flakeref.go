package nixbuild

import (
	"path/filepath"
	"regexp"
)

// schemeRE matches a flake reference that is already a URL ("github:…",
// "path:…", "git+file:…", "flake:nixpkgs").
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// FlakeRef returns the installable "<flake>#<attr>" (just the flake when
// attr is empty).
//
// A flake given as a URL is used unchanged. Anything else is a local
// directory: it is made absolute and prefixed with "path:". Without the
// prefix, Nix (2.4 through at least 2.8) treats a directory inside a Git
// work tree as "git+file:" of the repository and sees only files Git
// tracks, so an uncommitted flake.nix or a new file it reads fails with
// "getting status of '/nix/store/…-source/…': No such file or directory".
// With "path:" Nix copies the directory as it is on disk, tracked or not, in
// a Git repository or not. The cost is that the copy includes everything in
// the directory, .git and ignored files too, so keep large build outputs out
// of a flake directory.
//
// An empty flake means the current directory. Nix cannot address a
// directory whose path contains a space, '#' or '?': flake references are
// URLs and Nix 2.8 does not decode percent-escapes in them.
func FlakeRef(flake, attr string) string {
	ref := flake
	if !schemeRE.MatchString(flake) {
		if flake == "" {
			flake = "."
		}
		dir, err := filepath.Abs(flake)
		if err != nil {
			dir = filepath.Clean(flake)
		}
		ref = "path:" + dir
	}
	if attr == "" {
		return ref
	}
	return ref + "#" + attr
}
