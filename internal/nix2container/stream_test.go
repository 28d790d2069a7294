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
	"testing"

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
