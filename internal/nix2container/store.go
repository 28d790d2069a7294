package nix2container

import (
	"path"
	"path/filepath"
)

// Store is where layer tars are made from and how: the directory the Nix
// store is read under and the tar rule set. Every function that tars
// store paths (Layer.WriteBlob, Image.StreamLayer, …) takes one; the zero
// value reads the real /nix/store with the current rules. Image.Rules
// finds the rule set an image's JSON was written with.
type Store struct {
	// Root is where the Nix store is read: files of /nix/store/... are read
	// from <Root>/nix/store/... (tests use a temporary directory laid out
	// like that). Tar names, rewrite regexes and perms regexes still see the
	// logical /nix/store/... path, and paths must still be in StoreDir: the
	// store moves as a whole, nothing else becomes readable. "" means the
	// real /nix/store.
	Root string
	// Rules selects the tar rule set; the zero value is the current one.
	Rules Rules
}

// fsPath maps a logical path (as written in the JSON) to the path read on
// disk: the path cleaned as an absolute path, so that ".." never climbs
// above Root, under Root.
func (s Store) fsPath(p string) string {
	return filepath.Join(s.Root, path.Clean("/"+p))
}
