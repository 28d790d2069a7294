package nixbuild

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFlakeRef(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		flake, attr string
		want        string
	}{
		{"/work/main", "ollamaImage", "path:/work/main#ollamaImage"},
		{"/work/main/", "ollamaImage", "path:/work/main#ollamaImage"},
		{"/work/main", "", "path:/work/main"},
		{".", "harnessImage", "path:" + wd + "#harnessImage"},
		{"", "harnessImage", "path:" + wd + "#harnessImage"},
		{"../../testdata/flakes/images", "ollamaImage", "path:" + filepath.Join(wd, "../../testdata/flakes/images") + "#ollamaImage"},
		{"testdata", "x", "path:" + filepath.Join(wd, "testdata") + "#x"},
		{"path:/already", "x", "path:/already#x"},
		{"github:DominicBurkart/nanna-coder", "ollamaImage", "github:DominicBurkart/nanna-coder#ollamaImage"},
		{"git+file:///work/main?dir=testdata/flakes/images", "qwen3-container", "git+file:///work/main?dir=testdata/flakes/images#qwen3-container"},
		{"flake:nixpkgs", "hello", "flake:nixpkgs#hello"},
	}
	for _, tt := range tests {
		if got := FlakeRef(tt.flake, tt.attr); got != tt.want {
			t.Errorf("FlakeRef(%q, %q) = %q, want %q", tt.flake, tt.attr, got, tt.want)
		}
	}
}
