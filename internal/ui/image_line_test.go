package ui

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImageLine(t *testing.T) {
	tests := []struct {
		img  Image
		line string
	}{
		{Image{Reference: "nanna-coder-ollama:dev"}, "image nanna-coder-ollama:dev"},
		{
			Image{Reference: "ghcr.io/nanna-coder/ollama:latest", ID: "sha256:3f", Digest: "sha256:9c", Size: 1288490188, Layers: true, LayersSent: 0, LayersSkipped: 5},
			"image ghcr.io/nanna-coder/ollama:latest id=sha256:3f digest=sha256:9c size=1288490188 sent=0 skipped=5",
		},
	}
	for _, tt := range tests {
		if got := ImageLine(tt.img); got != tt.line {
			t.Errorf("ImageLine(%+v) = %q, want %q", tt.img, got, tt.line)
		}
		got, ok := ParseImageLine(tt.line)
		if !ok {
			t.Errorf("ParseImageLine(%q) = false, want the image back", tt.line)
		}
		if diff := cmp.Diff(tt.img, got); diff != "" {
			t.Errorf("ParseImageLine(%q) (-want +got):\n%s", tt.line, diff)
		}
	}
}

func TestParseImageLineRejects(t *testing.T) {
	for _, line := range []string{
		"3 images, 1.2 GiB",
		"images ollama",
		"image ",
		"image id=sha256:x",
		"image ollama:dev size=big",
		"image ollama:dev sent=-",
		"image ollama:dev two words",
	} {
		if img, ok := ParseImageLine(line); ok {
			t.Errorf("ParseImageLine(%q) = %+v, true, want false", line, img)
		}
	}
	if img, ok := ParseImageLine("image ollama:dev platform=linux/amd64 sent=1"); !ok || img.Layers {
		t.Errorf("ParseImageLine with an unknown key and only sent = %+v, %v, want an image without layer counts", img, ok)
	}
}

func TestReadable(t *testing.T) {
	tests := []struct{ line, want string }{
		{ImageLine(Image{Reference: "nanna-coder-ollama:latest", ID: "sha256:840a46d678dcd7599d2ff7", Size: 2944512, Layers: true, LayersSent: 1, LayersSkipped: 2}),
			"nanna-coder-ollama:latest 840a46d678dc, 2.8 MiB, 1 layer sent, 2 present"},
		{ImageLine(Image{Reference: "ghcr.io/o/a:1", Digest: "sha256:0123456789abcdef"}), "ghcr.io/o/a:1@0123456789ab"},
		{"nix flake check", "nix flake check"},
	}
	for _, tt := range tests {
		if got := Readable(tt.line); got != tt.want {
			t.Errorf("Readable(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
