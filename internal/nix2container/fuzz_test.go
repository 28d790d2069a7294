package nix2container

import (
	"os"
	"path/filepath"
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
		_ = img.Check(Options{Root: t.TempDir()})
	})
}
