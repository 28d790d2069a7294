package nix2container

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/cases/*/image.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"version":1,"layers":[]}`))
	f.Add([]byte(`{"version":1,"layers":[{"paths":[{"path":"/nix/store/x","options":{"perms":[{"regex":"("}]}}]}]}`))
	f.Add([]byte(`{"version":1,"created":null,"layers":[null]}`))
	for _, p := range []string{"/tmp/x/secret", "/nix/store/../../tmp/x", "/nix/store/", "/nix/store/a/b", "/nix/store/./a/"} {
		f.Add([]byte(imageJSON(layerJSON(`"paths":[{"path":"` + p + `"}]`))))
		f.Add([]byte(imageJSON(layerJSON(`"layer-path":"` + p + `"`))))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Parse(data)
		if err != nil {
			return
		}
		if _, err := img.ConfigBlob(); err != nil {
			t.Errorf("ConfigBlob() of a parsed image = %v", err)
		}
		if got := len(img.ChainIDs()); got != len(img.Layers) {
			t.Errorf("len(ChainIDs()) = %d, want %d", got, len(img.Layers))
		}
		for i, l := range img.Layers {
			for _, p := range l.Paths {
				if !isStorePath(p.Path) {
					t.Errorf("Parse() accepted layer %d path %q, which is not a store path", i, p.Path)
				}
			}
			if l.LayerPath != "" && !inStoreDir(l.LayerPath) {
				t.Errorf("Parse() accepted layer %d layer-path %q, which is outside the store", i, l.LayerPath)
			}
		}
		_ = img.Check(Store{Root: t.TempDir()})
	})
}

// FuzzConfine checks the path confinement against an independent statement
// of the rule, and that the files read for an accepted path stay under the
// store of Root.
func FuzzConfine(f *testing.F) {
	for _, p := range []string{
		"/nix/store/aaaa-x", "/nix/store/./aaaa-x/", "/nix/store/aaaa-x/bin/sh", "/tmp/x/secret",
		"/nix/store/../../tmp/x", "/nix/store", "/nix/store/", "/nix/store/..", "nix/store/aaaa-x",
		"/../nix/store/aaaa-x", "//nix//store//aaaa-x", "/nix/store/aaaa-x/../../../etc/shadow", "",
	} {
		f.Add(p)
	}
	const root = "/fuzz/root"
	store := filepath.Join(root, StoreDir)
	opts := Store{Root: root}
	f.Fuzz(func(t *testing.T, p string) {
		if err := confineStorePath(p); (err == nil) != isStorePath(p) {
			t.Errorf("confineStorePath(%q) = %v, want accepted = %v", p, err, isStorePath(p))
		} else if err == nil {
			if got := opts.fsPath(p); filepath.Dir(got) != store {
				t.Errorf("fsPath(%q) = %q, want a direct child of %s", p, got, store)
			}
		}
		if err := confineLayerPath(p); (err == nil) != inStoreDir(p) {
			t.Errorf("confineLayerPath(%q) = %v, want accepted = %v", p, err, inStoreDir(p))
		} else if err == nil {
			if got := opts.fsPath(p); !strings.HasPrefix(got, store+"/") {
				t.Errorf("fsPath(%q) = %q, want it under %s", p, got, store)
			}
		}
	})
}

// isStorePath is the rule for paths[].path, stated independently of
// confineStorePath: /nix/store/<name> once cleaned, name a real file name.
func isStorePath(p string) bool {
	parts := strings.Split(path.Clean(p), "/")
	return len(parts) == 4 && parts[0] == "" && parts[1] == "nix" && parts[2] == "store" &&
		parts[3] != "" && parts[3] != "." && parts[3] != ".."
}

// inStoreDir is the rule for layer-path: below /nix/store once cleaned.
func inStoreDir(p string) bool {
	parts := strings.Split(path.Clean(p), "/")
	return len(parts) >= 4 && parts[0] == "" && parts[1] == "nix" && parts[2] == "store"
}
