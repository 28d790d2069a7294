package nix2container

import "testing"

func TestLayerDescribe(t *testing.T) {
	paths := func(ps ...string) []Path {
		var out []Path
		for _, p := range ps {
			out = append(out, Path{Path: p})
		}
		return out
	}
	tests := []struct {
		layer Layer
		want  string
	}{
		{Layer{}, "no paths"},
		{Layer{Paths: paths("/nix/store/a")}, "/nix/store/a"},
		{Layer{Paths: paths("/nix/store/a", "/nix/store/b", "/nix/store/c", "/nix/store/d", "/nix/store/e")}, "/nix/store/a, /nix/store/b, /nix/store/c and 2 more"},
		{Layer{Paths: paths("/nix/store/a"), LayerPath: "/nix/store/x-layer.tar"}, "/nix/store/x-layer.tar"},
	}
	for _, tt := range tests {
		if got := tt.layer.Describe(); got != tt.want {
			t.Errorf("%+v.Describe() = %q, want %q", tt.layer, got, tt.want)
		}
	}
}
