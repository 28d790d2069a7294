package nix2container

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	digest "github.com/opencontainers/go-digest"
)

// pulledLayer writes a small gzip blob under <root>/nix/store and returns
// the uncompressed tar and the gzip bytes.
func pulledLayer(t *testing.T, root, layerPath string) (tarBytes, gzBytes []byte) {
	t.Helper()
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	body := "hello from a base image\n"
	if err := tw.WriteHeader(&tar.Header{Name: "etc/motd", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var gb bytes.Buffer
	zw := gzip.NewWriter(&gb)
	if _, err := zw.Write(tb.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := Store{Root: root}.fsPath(layerPath)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, gb.Bytes(), 0o444); err != nil {
		t.Fatal(err)
	}
	return tb.Bytes(), gb.Bytes()
}

func pulledImage(t *testing.T, blobDigest, diffID digest.Digest, layerPath string) *Image {
	t.Helper()
	img, err := Parse([]byte(fmt.Sprintf(`{"version":1,"image-config":{},"layers":[{"digest":%q,"size":0,"diff_ids":%q,`+
		`"mediatype":"application/vnd.oci.image.layer.v1.tar+gzip","layer-path":%q,"History":{}}],"arch":"amd64","created":null}`,
		blobDigest, diffID, layerPath)))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestStreamPulledLayer(t *testing.T) {
	root := t.TempDir()
	lp := "/nix/store/cccc-docker-image-base/layer.gz"
	tarBytes, gzBytes := pulledLayer(t, root, lp)
	gzDigest, tarDigest := digest.FromBytes(gzBytes), digest.FromBytes(tarBytes)
	corrupt := bytes.Clone(gzBytes)
	corrupt[len(corrupt)/2] ^= 0xff
	corruptLP := "/nix/store/dddd-docker-image-base/layer.gz"
	p := Store{Root: root}.fsPath(corruptLP)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, corrupt, 0o444); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		img       *Image
		wantField string // "" for success
		wantErr   bool   // a non-mismatch error
	}{
		{"ok", pulledImage(t, gzDigest, tarDigest, lp), "", false},
		{"wrong diff_ids", pulledImage(t, gzDigest, digest.FromString("x"), lp), "diff_id", false},
		{"corrupted blob", pulledImage(t, gzDigest, tarDigest, corruptLP), "digest", false},
		{"corrupted blob recorded as is", pulledImage(t, digest.FromBytes(corrupt), tarDigest, corruptLP), "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Store{Root: root}
			if err := tt.img.Check(opts); err != nil {
				t.Fatalf("Check() = %v", err)
			}
			size, err := tt.img.Layers[0].BlobSize(opts)
			if err != nil || size != int64(len(gzBytes)) {
				t.Fatalf("BlobSize() = %d, %v, want %d", size, err, len(gzBytes))
			}
			var out bytes.Buffer
			n, err := tt.img.StreamLayer(context.Background(), 0, &out, opts)
			var me *MismatchError
			switch {
			case tt.wantField == "" && !tt.wantErr:
				if err != nil || n != int64(len(gzBytes)) || !bytes.Equal(out.Bytes(), gzBytes) {
					t.Errorf("StreamLayer() = %d, %v, want %d bytes equal to the blob", n, err, len(gzBytes))
				}
				return
			case tt.wantErr:
				if err == nil || errors.As(err, &me) {
					t.Errorf("StreamLayer() = %v, want a non-mismatch error", err)
				}
			case !errors.As(err, &me):
				t.Fatalf("StreamLayer() = %v, want *MismatchError", err)
			case me.Field != tt.wantField || !me.FromLayerPath:
				t.Errorf("MismatchError = %+v, want Field %q from layer-path", me, tt.wantField)
			}
			if n != int64(out.Len()) || n >= int64(len(gzBytes)) {
				t.Errorf("StreamLayer() wrote %d bytes (returned %d) of %d, want fewer than the blob", out.Len(), n, len(gzBytes))
			}
		})
	}
}

// tamperedBasic returns the basic case and a store whose app.conf is changed.
func tamperedBasic(t *testing.T, content string) (*Image, Store) {
	t.Helper()
	img, err := ReadFile("testdata/cases/basic/image.json")
	if err != nil {
		t.Fatal(err)
	}
	opts := Store{Root: storeRoot(t)}
	writeFile(t, opts.fsPath(fixtureAppPath+"/etc/app.conf"), []byte(content))
	return img, opts
}

func TestStreamMismatch(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		wantField string
	}{
		{"same size", "tampered!!!\n", "digest"},
		{"different size", strings.Repeat("x", 600), "size"},
		{"grown past the held-back KiB", strings.Repeat("x", 8192), "size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, opts := tamperedBasic(t, tt.content)
			var out bytes.Buffer
			n, err := img.StreamLayer(context.Background(), 0, &out, opts)
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("StreamLayer() = %v, want *MismatchError", err)
			}
			want := img.Layers[0]
			if me.Layer != 0 || me.Field != tt.wantField || me.Expected != want.Digest || me.Legacy != "" || me.FromLayerPath {
				t.Errorf("MismatchError = %+v, want layer 0, field %s, expected %s", me, tt.wantField, want.Digest)
			}
			if diff := cmp.Diff(want.StorePaths(), me.Paths); diff != "" {
				t.Errorf("MismatchError.Paths mismatch (-want +got):\n%s", diff)
			}
			if n != int64(out.Len()) || n >= want.Size {
				t.Errorf("the writer got %d bytes (returned %d), want fewer than %d", out.Len(), n, want.Size)
			}
			msg := me.Error()
			for _, s := range []string{"layer 0 (", fixtureAppPath, tt.wantField + " mismatch", "nix build"} {
				if !strings.Contains(msg, s) {
					t.Errorf("Error() = %q, want it to contain %q", msg, s)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("Error() = %q spans several lines", msg)
			}
		})
	}
}

func TestStreamLegacy(t *testing.T) {
	legacy := LegacyRules()
	tests := []struct {
		name     string
		file     string
		rules    Rules
		want     string // expected Legacy
		wantText string
	}{
		{"mtime 0", "testdata/cases/basic/image.json", Rules{ZeroMtime: true}, legacy[1].Description, "2024-07-08"},
		{"gname from uname", "testdata/cases/perms/image.json", Rules{GnameFromUname: true}, legacy[0].Description, "2024-11-10"},
		{"both", "testdata/cases/perms/image.json", Rules{ZeroMtime: true, GnameFromUname: true}, legacy[1].Description, "2024-07-08"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			root := storeRoot(t)
			d := digest.SHA256.Digester()
			if _, err := img.Layers[0].WriteBlob(ctx, d.Hash(), Store{Root: root, Rules: tt.rules}); err != nil {
				t.Fatal(err)
			}
			if d.Digest() == img.Layers[0].Digest {
				t.Fatalf("rules %+v give the current digest", tt.rules)
			}
			img.Layers[0].Digest, img.Layers[0].DiffID = d.Digest(), d.Digest()

			var out bytes.Buffer
			_, err = img.StreamLayer(ctx, 0, &out, Store{Root: root})
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("StreamLayer() = %v, want *MismatchError", err)
			}
			if me.Field != "digest" || me.Legacy != tt.want {
				t.Errorf("MismatchError = Field %q, Legacy %q, want digest, %q", me.Field, me.Legacy, tt.want)
			}
			if msg := me.Error(); !strings.Contains(msg, tt.wantText) || !strings.Contains(msg, "current nix2container") {
				t.Errorf("Error() = %q, want it to mention %s and the current nix2container", msg, tt.wantText)
			}
			// With the legacy rules selected, the layer streams fine.
			out.Reset()
			if n, err := img.StreamLayer(ctx, 0, &out, Store{Root: root, Rules: tt.rules}); err != nil || n != img.Layers[0].Size {
				t.Errorf("StreamLayer(legacy rules) = %d, %v, want %d, nil", n, err, img.Layers[0].Size)
			}
		})
	}
}

func TestHoldback(t *testing.T) {
	data := make([]byte, 5000)
	for i := range data {
		data[i] = byte(i)
	}
	tests := []struct {
		name  string
		total int
		chunk int
	}{
		{"small blob", 700, 100},
		{"exactly the holdback", holdbackSize, 1},
		{"one write", 5000, 5000},
		{"odd chunks", 5000, 333},
		{"byte by byte", 3000, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			h := &holdback{w: &out}
			for off := 0; off < tt.total; off += tt.chunk {
				end := min(off+tt.chunk, tt.total)
				if n, err := h.Write(data[off:end]); err != nil || n != end-off {
					t.Fatalf("Write() = %d, %v", n, err)
				}
			}
			if want := max(tt.total-holdbackSize, 0); out.Len() != want || h.n != int64(want) {
				t.Errorf("before flush: %d bytes written (counted %d), want %d", out.Len(), h.n, want)
			}
			if err := h.flush(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), data[:tt.total]) || h.n != int64(tt.total) {
				t.Errorf("after flush: %d bytes (counted %d), want the %d input bytes", out.Len(), h.n, tt.total)
			}
		})
	}
}

func TestStreamLayerErrors(t *testing.T) {
	img, err := ReadFile("testdata/cases/basic/image.json")
	if err != nil {
		t.Fatal(err)
	}
	opts := Store{Root: storeRoot(t)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := img.StreamLayer(ctx, 0, &bytes.Buffer{}, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("StreamLayer(cancelled) = %v, want context.Canceled", err)
	}
	if _, err := img.StreamLayer(context.Background(), 1, &bytes.Buffer{}, opts); err == nil {
		t.Errorf("StreamLayer(1) of a one-layer image = nil, want error")
	}
	if _, err := img.StreamLayer(context.Background(), 0, &bytes.Buffer{}, Store{Root: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "qnb86jag8gx96rf50iri7igzncgdv6vw-shared-lib") {
		t.Errorf("StreamLayer(empty store) = %v, want an error naming the missing store path", err)
	}
}
