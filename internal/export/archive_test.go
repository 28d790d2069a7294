package export

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// diffIDs reads every layer of img uncompressed and returns the digests.
func diffIDs(t *testing.T, img v1.Image) []string {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := v1.SHA256(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.String())
	}
	return out
}

func wantDiffIDs(want fixtures.Expected) []string {
	var out []string
	for _, l := range want.Layers {
		out = append(out, l.DiffID.String())
	}
	return out
}

func TestArchive(t *testing.T) {
	src := fixtures.Root(t)
	dir := t.TempDir()
	for _, cs := range fixtures.Cases(t) {
		t.Run(cs, func(t *testing.T) {
			img, want := fixtures.Case(t, cs)
			file := filepath.Join(dir, cs+".tar")
			var log bytes.Buffer
			res, err := Archive(context.Background(), img, file, Options{Refs: []string{"nanna/" + cs}, Store: src, Log: &log})
			if err != nil {
				t.Fatalf("Archive() = %v", err)
			}
			tag, _ := name.NewTag("nanna/" + cs + ":latest")
			got, err := tarball.ImageFromPath(file, &tag)
			if err != nil {
				t.Fatalf("reading the archive back: %v", err)
			}
			if cfg, _ := got.ConfigName(); cfg.String() != want.ConfigDigest.String() || res.Config != want.ConfigDigest {
				t.Errorf("config = %s (reported %s), want %s", cfg, res.Config, want.ConfigDigest)
			}
			raw, _ := got.RawConfigFile()
			wantRaw, _ := img.ConfigBlob()
			if !bytes.Equal(raw, wantRaw) {
				t.Errorf("archive config differs from nix2container's")
			}
			if diff := cmp.Diff(wantDiffIDs(want), diffIDs(t, got)); diff != "" {
				t.Errorf("layer tars mismatch (-want +got):\n%s", diff)
			}
			if info, _ := os.Stat(file); res.Bytes != info.Size() {
				t.Errorf("reported %d bytes, the file has %d", res.Bytes, info.Size())
			}
			if !strings.Contains(log.String(), "wrote docker-archive of image "+want.ConfigDigest.Encoded()[:12]+" as nanna/"+cs+":latest") {
				t.Errorf("summary = %q", log.String())
			}
		})
	}
}

func TestArchiveIsAtomic(t *testing.T) {
	src := fixtures.Root(t)
	img, _ := fixtures.Case(t, "layered")
	fixtures.Tamper(t, src, img.Layers[2].Paths[0].Path, "etc/app.conf", "tampered")
	dir := t.TempDir()
	file := filepath.Join(dir, "out.tar")
	if err := os.WriteFile(file, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Archive(context.Background(), img, file, Options{Store: src})
	var mismatch *nix2container.MismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("Archive() of a tampered store = %v, want a *nix2container.MismatchError", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "previous" {
		t.Errorf("the existing file was changed to %d bytes", len(data))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left %d files in the directory, want only the previous one", len(entries))
	}
}

func TestArchiveErrors(t *testing.T) {
	img, _ := fixtures.Case(t, "basic")
	src := fixtures.Root(t)
	dir := t.TempDir()
	tests := []struct {
		name, file string
		refs       []string
		wantErr    string
	}{
		{"bad reference", filepath.Join(dir, "a.tar"), []string{"Bad Ref"}, "invalid image reference"},
		{"digest reference", filepath.Join(dir, "a.tar"), []string{"a@sha256:ab46c61a16ccc87599baa837cb8820390c21581dd52f174dea18586c1eb17adb"}, "invalid image reference"},
		{"directory", dir, nil, "is a directory"},
		{"missing directory", filepath.Join(dir, "no", "a.tar"), nil, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Archive(context.Background(), img, tt.file, Options{Refs: tt.refs, Store: src})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Archive() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestExportErrorsNameTheImage: every format's error says which JSON was
// exported where, or "image" for one parsed from bytes, and a bad
// reference has imageref's one message.
func TestExportErrorsNameTheImage(t *testing.T) {
	img, _ := fixtures.Case(t, "basic")
	if img.File == "" {
		t.Fatal("fixtures.Case gave an image without its JSON file")
	}
	unnamed := *img
	unnamed.File = ""
	src := fixtures.Root(t)
	for _, f := range formats {
		for _, im := range []*nix2container.Image{img, &unnamed} {
			path := filepath.Join(t.TempDir(), "out")
			_, err := f.export(context.Background(), im, path, Options{Refs: []string{"Bad Ref"}, Store: src, Gzip: f.gzip})
			what := im.File
			if what == "" {
				what = "image"
			}
			want := "exporting " + what + " to " + path + `: invalid image reference "Bad Ref": want name[:tag], such as nanna-coder-ollama:latest`
			if err == nil || err.Error() != want {
				t.Errorf("%s of %q = %v, want %q", f.name, im.File, err, want)
			}
		}
	}
}
