package narhash

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/nix-community/go-nix/pkg/nixhash"
)

// Hash is the SHA-256 of a NAR.
type Hash struct {
	// Sum is the digest.
	Sum [sha256.Size]byte
	// NARSize is the length of the NAR in bytes; zero for a parsed hash.
	NARSize int64
}

// SRI returns the hash as `nix hash path` prints it: "sha256-" and the
// standard base64 of the digest.
func (h Hash) SRI() string {
	return nixhash.MustNewHash(nixhash.SHA256, h.Sum[:]).Format(nixhash.SRI, true)
}

// Base32 returns the hash as `nix-hash --type sha256 --base32` prints it:
// Nix's base-32 without a prefix, 52 characters.
func (h Hash) Base32() string {
	return nixhash.MustNewHash(nixhash.SHA256, h.Sum[:]).Format(nixhash.NixBase32, false)
}

// String returns the SRI form.
func (h Hash) String() string { return h.SRI() }

// Equal reports whether h and o have the same digest (NARSize is ignored).
func (h Hash) Equal(o Hash) bool { return h.Sum == o.Sum }

// ErrNotSHA256 means a hash string names an algorithm other than sha256.
var ErrNotSHA256 = errors.New("not a sha256 hash")

// Parse reads a SHA-256 in any form Nix accepts: SRI ("sha256-<base64>"),
// "sha256:<hex|nix32|base64>", or a bare hex, nix32 or base64 digest.
func Parse(s string) (Hash, error) {
	algo := nixhash.SHA256
	h, err := nixhash.ParseAny(s, &algo)
	if err != nil {
		if _, perr := nixhash.ParseAny(s, nil); perr == nil {
			return Hash{}, fmt.Errorf("parsing hash %q: %w", s, ErrNotSHA256)
		}
		return Hash{}, fmt.Errorf("parsing hash %q: %w", s, err)
	}
	var out Hash
	copy(out.Sum[:], h.Digest())
	return out, nil
}
