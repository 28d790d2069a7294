package dockerarchive

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// entries reads a tar: each entry's name, in order, and its content.
func entries(t *testing.T, archive []byte) ([]string, map[string][]byte) {
	t.Helper()
	var names []string
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names, files
		}
		if err != nil {
			t.Fatalf("reading the archive: %v", err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("reading %s: %v", hdr.Name, err)
		}
		names = append(names, hdr.Name)
		files[hdr.Name] = data
	}
}

// A store path that changed size after the build gives the diagnosed size
// mismatch naming it, however much it grew (beyond the holdback of the last
// KiB too), and the archive never gets its manifest.json.
func TestWriteSizeMismatch(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"grew by 600 bytes", strings.Repeat("d", 612)},
		{"grew by 4 KiB", strings.Repeat("d", 4096+12)},
		{"grew by 1 MiB", strings.Repeat("d", 1<<20)},
		{"shrank", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fixtures.Root(t)
			img, _ := fixtures.Case(t, "layered")
			sp := img.Layers[2].Paths[0].Path
			fixtures.Tamper(t, src, sp, "etc/app.conf", tt.content)
			var file bytes.Buffer
			err := Write(context.Background(), &file, img, []string{"app:latest"}, src)
			var mismatch *nix2container.MismatchError
			if !errors.As(err, &mismatch) || mismatch.Field != "size" || mismatch.Layer != 2 {
				t.Fatalf("Write() = %v, want the size mismatch of layer 2", err)
			}
			if !strings.Contains(err.Error(), sp) || strings.Contains(err.Error(), "write too long") {
				t.Errorf("Write() = %q, want the diagnosed size mismatch naming %s", err, sp)
			}
			if strings.Contains(file.String(), "manifest.json") {
				t.Errorf("Write() wrote manifest.json after a mismatch")
			}
		})
	}
}

// manifestItem is an entry of manifest.json as `docker load` reads it.
type manifestItem struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// Each format lays out its files as its reader expects, the index last; a
// held layer is named but not carried, and a layer the image has twice is
// carried once.
func TestPlanWrite(t *testing.T) {
	src := fixtures.Root(t)
	layered, _ := fixtures.Case(t, "layered")
	twice := *layered
	twice.Layers = append(append([]nix2container.Layer(nil), layered.Layers...), layered.Layers[0])
	tests := []struct {
		name      string
		img       *nix2container.Image
		format    Format
		held      []bool
		wantSent  []int // JSON layers whose blobs the archive carries
		wantFirst []string
		wantLast  []string
		blob      func(i *Image, layer int) string
	}{
		{"docker-archive", layered, Docker, nil, []int{0, 1, 2}, nil, []string{"manifest.json"},
			func(i *Image, l int) string { return i.JSON.Layers[l].Digest.Encoded() + ".tar" }},
		{"OCI layout holding back two layers", layered, OCILayout, []bool{true, false, true}, []int{1}, []string{"oci-layout"}, []string{"index.json", "manifest.json"},
			func(i *Image, l int) string { return "blobs/sha256/" + i.JSON.Layers[l].Digest.Encoded() }},
		{"a layer twice", &twice, OCILayout, nil, []int{0, 1, 2}, []string{"oci-layout"}, []string{"index.json", "manifest.json"},
			func(i *Image, l int) string { return "blobs/sha256/" + i.JSON.Layers[l].Digest.Encoded() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, err := NewImage(context.Background(), tt.img, src)
			if err != nil {
				t.Fatal(err)
			}
			p := NewPlan(i, tt.format, tt.held)
			var out bytes.Buffer
			var streamed []int
			var bytesWant int64
			if err := p.Write(context.Background(), &out, src, func(l int, n int64) {
				streamed = append(streamed, l)
				bytesWant += n
			}); err != nil {
				t.Fatalf("Write() = %v", err)
			}
			if !p.Complete() {
				t.Errorf("Complete() = false after a successful Write")
			}
			if diff := cmp.Diff(tt.wantSent, streamed); diff != "" {
				t.Errorf("layers streamed mismatch (-want +got):\n%s", diff)
			}
			if p.Bytes() != bytesWant {
				t.Errorf("Bytes() = %d, want the %d bytes streamed", p.Bytes(), bytesWant)
			}
			names, files := entries(t, out.Bytes())
			if len(names) != len(files) {
				t.Errorf("archive entries %v: some name is there twice", names)
			}
			if got := names[:len(tt.wantFirst)]; len(tt.wantFirst) > 0 && !cmp.Equal(got, tt.wantFirst) {
				t.Errorf("archive starts with %v, want %v", got, tt.wantFirst)
			}
			if got := names[len(names)-len(tt.wantLast):]; !cmp.Equal(got, tt.wantLast) {
				t.Errorf("archive ends with %v, want %v", got, tt.wantLast)
			}
			var manifest []manifestItem
			if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
				t.Fatalf("manifest.json = %s (%v), want one entry", files["manifest.json"], err)
			}
			for l := range tt.img.Layers {
				name := tt.blob(i, l)
				if manifest[0].Layers[l] != name || p.File(l) != name {
					t.Errorf("layer %d is %q in manifest.json, File() = %q, want %q", l, manifest[0].Layers[l], p.File(l), name)
				}
				_, carried := files[name]
				if wantCarried := tt.held == nil || !tt.held[l]; carried != wantCarried {
					t.Errorf("layer %d carried = %v, want %v", l, carried, wantCarried)
				}
			}
			if !bytes.Equal(files[manifest[0].Config], i.Config) {
				t.Errorf("the config %s is not the image's config blob", manifest[0].Config)
			}
			var wantHeld []int
			for l, h := range tt.held {
				if h {
					wantHeld = append(wantHeld, l)
				}
			}
			if diff := cmp.Diff(wantHeld, p.Held()); diff != "" {
				t.Errorf("Held() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The file `docker load -i` reads names the image by its references.
func TestWriteTags(t *testing.T) {
	src := fixtures.Root(t)
	img, _ := fixtures.Case(t, "basic")
	var out bytes.Buffer
	if err := Write(context.Background(), &out, img, []string{"nanna/basic:latest", "nanna/basic:1"}, src); err != nil {
		t.Fatal(err)
	}
	_, files := entries(t, out.Bytes())
	var manifest []manifestItem
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json = %s (%v), want one entry", files["manifest.json"], err)
	}
	if diff := cmp.Diff([]string{"nanna/basic:latest", "nanna/basic:1"}, manifest[0].RepoTags); diff != "" {
		t.Errorf("RepoTags mismatch (-want +got):\n%s", diff)
	}
	if _, ok := files["oci-layout"]; ok {
		t.Errorf("a docker-archive has oci-layout")
	}
}
