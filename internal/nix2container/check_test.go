package nix2container

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	root := t.TempDir()
	mkStore(t, root, map[string]string{
		"1111-here/bin/x":        "x",
		"2222-tars/layer.tar":    "tar",
		"3333-dir/":              "",
		"4444-link-to-nowhere":   "->5555-nowhere",
		"6666-blob-link":         "->2222-tars/layer.tar",
		"7777-base/sub/":         "",
		"7777-base/sub/blob.tar": "tar",
	})
	here := Path{Path: "/nix/store/1111-here"}
	withOpts := func(o PathOptions) Path { return Path{Path: "/nix/store/1111-here", Options: &o} }
	layer := func(lp string, paths ...Path) Layer { return Layer{Paths: paths, LayerPath: lp} }
	tests := []struct {
		name   string
		layers []Layer
		want   []string // substrings of the error; nil for no error
	}{
		{"ok", []Layer{layer("", here), layer("/nix/store/2222-tars/layer.tar", here)}, nil},
		{"dangling symlink store path exists", []Layer{layer("", Path{Path: "/nix/store/4444-link-to-nowhere"})}, nil},
		{"layer-path through a symlink", []Layer{layer("/nix/store/6666-blob-link")}, nil},
		{"paths not needed with a layer-path", []Layer{layer("/nix/store/7777-base/sub/blob.tar", Path{Path: "/nix/store/9999-gone"})}, nil},
		{"missing store path", []Layer{layer("", here), layer("", here, Path{Path: "/nix/store/9999-gone"})},
			[]string{"store path /nix/store/9999-gone of layer 1 is missing: build or realise it first (nix build / nix-store --realise)"}},
		{"layer-path outside the store", []Layer{layer("/tmp/layer.tar")}, []string{"layer 0: layer-path /tmp/layer.tar is outside /nix/store, the Nix store"}},
		{"relative layer-path", []Layer{layer("nix/store/2222-tars/layer.tar")}, []string{"is outside /nix/store, the Nix store"}},
		{"layer-path escaping the store", []Layer{layer("/nix/store/../etc/passwd")}, []string{"is outside /nix/store, the Nix store"}},
		{"missing layer-path", []Layer{layer("/nix/store/2222-tars/other.tar")}, []string{"layer-path /nix/store/2222-tars/other.tar of layer 0 is missing"}},
		{"layer-path is a directory", []Layer{layer("/nix/store/3333-dir")}, []string{"not a regular file"}},
		{"bad rewrite regex", []Layer{layer("", withOpts(PathOptions{Rewrite: Rewrite{Regex: "^/nix/store/1111-c++("}}))},
			[]string{"layer 0, path /nix/store/1111-here: rewrite regex"}},
		{"bad perms regex and mode", []Layer{layer("", here), layer("", withOpts(PathOptions{Perms: []Perm{{Regex: "*"}, {Regex: ".*", Mode: "rwx"}}}))},
			[]string{"layer 1, path /nix/store/1111-here: perms[0] regex", `perms[1] mode "rwx" is not octal`}},
		{"everything at once", []Layer{layer("/tmp/x"), layer("", Path{Path: "/nix/store/9999-gone"}, withOpts(PathOptions{Perms: []Perm{{Regex: "("}}}))},
			[]string{"layer 0: layer-path /tmp/x is outside /nix/store, the Nix store", "9999-gone of layer 1 is missing", "perms[0] regex"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := &Image{Version: 1, Layers: tt.layers}
			err := img.Check(Store{Root: root})
			if tt.want == nil {
				if err != nil {
					t.Errorf("Check() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check() = nil, want errors %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check() = %q, want it to contain %q", err, w)
				}
			}
			if got := strings.Count(err.Error(), "\n") + 1; got != len(tt.want) {
				t.Errorf("Check() reported %d problems, want %d: %v", got, len(tt.want), err)
			}
		})
	}
}
