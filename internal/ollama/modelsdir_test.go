package ollama

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/registrytest"
)

// TestFilesMatchesDirectory: a models directory holding one model is that model's
// layout, so hashing its file list equals hashing the directory.
func TestFilesMatchesDirectory(t *testing.T) {
	f, _ := newFake(t)
	models := ModelsDir{Path: t.TempDir()}
	m, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, fastPull)
	if err != nil {
		t.Fatal(err)
	}
	files, err := models.Files(tinyName, m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := narhash.Files(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	want, err := narhash.Path(context.Background(), models.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("narhash.Files(ModelsDir.Files) = %s, narhash.Path(models) = %s", got, want)
	}

	// Another model's files and partial downloads are not part of it.
	os.WriteFile(filepath.Join(models.Path, "blobs", "sha256-"+strings.Repeat("0", 64)+"-partial"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(models.Path, "manifests/registry.ollama.ai/library/other"), 0o755)
	os.WriteFile(filepath.Join(models.Path, "manifests/registry.ollama.ai/library/other/latest"), []byte("{}"), 0o644)
	again, err := narhash.Files(context.Background(), mustFiles(t, models, m))
	if err != nil || again != got {
		t.Errorf("with unrelated files: %s, %v; want %s", again, err, got)
	}
}

func mustFiles(t *testing.T, d ModelsDir, m *Manifest) []narhash.File {
	t.Helper()
	files, err := d.Files(tinyName, m)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestFilesChecksBlobs(t *testing.T) {
	f, tiny := newFake(t)
	models := ModelsDir{Path: t.TempDir()}
	m, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, fastPull)
	if err != nil {
		t.Fatal(err)
	}
	weights := models.BlobPath(m.Layers[0])

	// Same size, one byte changed: caught while hashing.
	data, _ := os.ReadFile(weights)
	data[len(data)/2] ^= 1
	os.WriteFile(weights, data, 0o644)
	_, err = narhash.Files(context.Background(), mustFiles(t, models, m))
	var de *DigestError
	if !errors.As(err, &de) || de.Path != weights || de.Want != m.Layers[0].Hex() {
		t.Errorf("hashing a changed blob = %v, want a *DigestError for %s", err, weights)
	}

	// Wrong size: caught before hashing.
	os.WriteFile(weights, data[:10], 0o644)
	if _, err := models.Files(tinyName, m); err == nil || !strings.Contains(err.Error(), "the manifest says") {
		t.Errorf("Files(short blob) = %v", err)
	}

	// Missing.
	os.Remove(weights)
	if _, err := models.Files(tinyName, m); err == nil || !strings.Contains(err.Error(), "is missing from") {
		t.Errorf("Files(missing blob) = %v", err)
	}

	// ReadManifest of a model the directory does not hold.
	if _, err := models.ReadManifest(Name{DefaultHost, DefaultNamespace, "nothere", "latest"}); err == nil || !strings.Contains(err.Error(), "has no manifests/registry.ollama.ai/library/nothere/latest") {
		t.Errorf("ReadManifest(missing) = %v", err)
	}
	got, err := models.ReadManifest(tinyName)
	if err != nil || string(got.Raw()) != string(tiny.Manifest) {
		t.Errorf("ReadManifest = %v", err)
	}
}

// TestFilesOnOneThread hashes a 3 MiB model (a dozen chunks of the NAR
// hash's reads per blob) twenty times on one thread, where the blob
// check's goroutine used to deadlock Close.
func TestFilesOnOneThread(t *testing.T) {
	f := registrytest.NewFake(t)
	f.Add("library/tiny", "latest", registrytest.TinyModel(7, 3<<20))
	models := ModelsDir{Path: t.TempDir()}
	m, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, fastPull)
	if err != nil {
		t.Fatal(err)
	}
	want, err := narhash.Path(context.Background(), models.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for run := range 20 {
		files := mustFiles(t, models, m)
		var got narhash.Hash
		err := finishes(func() error {
			var err error
			got, err = narhash.Files(context.Background(), files)
			return err
		})
		if err != nil || got != want {
			t.Fatalf("run %d: narhash.Files(ModelsDir.Files) = %s, %v; want %s", run, got, err, want)
		}
	}
}
