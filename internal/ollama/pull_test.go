package ollama

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nanna-coder/build/internal/registrytest"
)

var tinyName = Name{DefaultHost, DefaultNamespace, "tiny", "latest"}

// fastPull retries without waiting.
var fastPull = PullOptions{RetryDelay: time.Millisecond}

func newFake(t *testing.T) (*registrytest.Fake, registrytest.Model) {
	t.Helper()
	f := registrytest.NewFake(t)
	m := registrytest.TinyModel(7, 300_000)
	f.Add("library/tiny", "latest", m)
	return f, m
}

// checkModelsDir checks that dir holds exactly m's blobs and manifest.
func checkModelsDir(t *testing.T, dir string, m registrytest.Model) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "manifests/registry.ollama.ai/library/tiny/latest"))
	if err != nil || !bytes.Equal(raw, m.Manifest) {
		t.Errorf("stored manifest = %q, %v; want the registry's bytes", raw, err)
	}
	var want []string
	for _, b := range m.Blobs() {
		name := "sha256-" + strings.TrimPrefix(b.Digest(), "sha256:")
		want = append(want, name)
		data, err := os.ReadFile(filepath.Join(dir, "blobs", name))
		if err != nil || !bytes.Equal(data, b.Data) {
			t.Errorf("blob %s: %v", name, err)
		}
	}
	assertDir(t, filepath.Join(dir, "blobs"), want)
}

func assertDir(t *testing.T, dir string, want []string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff(sorted(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", dir, diff)
	}
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func TestPull(t *testing.T) {
	f, m := newFake(t)
	models := ModelsDir{Path: t.TempDir()}
	var log bytes.Buffer
	opts := fastPull
	opts.Log = &log
	got, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Raw(), m.Manifest) {
		t.Error("Pull returned other manifest bytes")
	}
	checkModelsDir(t, models.Path, m)
	if n := strings.Count(log.String(), "downloaded"); n != 5 {
		t.Errorf("log has %d downloads, want 5:\n%s", n, log.String())
	}
	if line := "  " + m.Config.Digest()[:len("sha256:")+12] + " config "; !strings.Contains(log.String(), line) {
		t.Errorf("log has no line starting %q (the short digest, the kind):\n%s", line, log.String())
	}

	// Again: only the manifest is fetched.
	before := len(f.Requests())
	log.Reset()
	if _, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, opts); err != nil {
		t.Fatal(err)
	}
	if reqs := f.Requests()[before:]; len(reqs) != 1 || !strings.Contains(reqs[0].Path, "/manifests/") {
		t.Errorf("second Pull sent %+v, want only the manifest request", reqs)
	}
	if n := strings.Count(log.String(), "cached"); n != 5 {
		t.Errorf("second Pull log has %d cached blobs, want 5:\n%s", n, log.String())
	}
}

// TestPullResumesInOneCall cuts the weights' connection twice; the third
// attempt completes it, each attempt asking for the rest with a Range.
func TestPullResumesInOneCall(t *testing.T) {
	f, m := newFake(t)
	weights := m.Layers[0].Digest()
	f.CutAfter(weights, 100_000, 50_000)
	models := ModelsDir{Path: t.TempDir()}
	var log bytes.Buffer
	opts := fastPull
	opts.Log = &log
	if _, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, opts); err != nil {
		t.Fatal(err)
	}
	checkModelsDir(t, models.Path, m)
	var ranges []string
	for _, r := range f.Requests() {
		if strings.HasSuffix(r.Path, weights) {
			ranges = append(ranges, r.Range)
		}
	}
	if diff := cmp.Diff([]string{"", "bytes=100000-", "bytes=150000-"}, ranges); diff != "" {
		t.Errorf("weights requests' Range (-want +got):\n%s", diff)
	}
}

// TestPullResumesNextCall: the only attempt is cut; the error is one line,
// the partial file stays and no manifest is written; the next Pull
// resumes at the cut.
func TestPullResumesNextCall(t *testing.T) {
	f, m := newFake(t)
	weights := m.Layers[0].Digest()
	f.CutAfter(weights, 123_456)
	models := ModelsDir{Path: t.TempDir()}
	opts := fastPull
	opts.Attempts = 1
	_, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, opts)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "run again to resume") {
		t.Fatalf("Pull(cut) = %v, want a one-line error saying it resumes", err)
	}
	partial := filepath.Join(models.Path, "blobs", "sha256-"+strings.TrimPrefix(weights, "sha256:")+"-partial")
	if fi, err := os.Stat(partial); err != nil || fi.Size() != 123_456 {
		t.Fatalf("partial file: %v, %v; want 123456 bytes", fi, err)
	}
	if _, err := os.Stat(filepath.Join(models.Path, "manifests")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manifest written after a failed pull: %v", err)
	}
	var log bytes.Buffer
	opts.Log = &log
	if _, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, opts); err != nil {
		t.Fatal(err)
	}
	checkModelsDir(t, models.Path, m)
	reqs := f.Requests()
	found := false
	for _, r := range reqs {
		found = found || (strings.HasSuffix(r.Path, weights) && r.Range == "bytes=123456-")
	}
	if !found || !strings.Contains(log.String(), "resumed at 123.5 kB") {
		t.Errorf("second Pull did not resume at 123456 (requests %+v):\n%s", reqs, log.String())
	}
}

// TestPullRejectsBadBlob: a blob that does not match its digest is
// discarded; nothing of it and no manifest is left.
func TestPullRejectsBadBlob(t *testing.T) {
	f, m := newFake(t)
	weights := m.Layers[0].Digest()
	f.Corrupt(weights)
	models := ModelsDir{Path: t.TempDir()}
	_, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, fastPull)
	var de *DigestError
	if !errors.As(err, &de) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "do not match the digest") {
		t.Fatalf("Pull(corrupt) = %v, want a one-line *DigestError", err)
	}
	assertDir(t, filepath.Join(models.Path, "blobs"), []string{"sha256-" + strings.TrimPrefix(m.Config.Digest(), "sha256:")})
	if _, err := os.Stat(filepath.Join(models.Path, "manifests")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manifest written after a failed pull: %v", err)
	}
}

func TestPullNotFound(t *testing.T) {
	f, _ := newFake(t)
	models := ModelsDir{Path: t.TempDir()}
	_, err := models.Pull(context.Background(), NewClient(f.URL), Name{DefaultHost, DefaultNamespace, "tiny", "nope"}, fastPull)
	if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Pull(unknown tag) = %v, want ErrNotFound in one line", err)
	}
	if entries, _ := os.ReadDir(models.Path); len(entries) != 0 {
		t.Errorf("Pull(unknown tag) wrote %v", entries)
	}
}

func TestPullWithToken(t *testing.T) {
	f, m := newFake(t)
	f.RequireToken("s3cret")
	models := ModelsDir{Path: t.TempDir()}
	if _, err := models.Pull(context.Background(), NewClient(f.URL), tinyName, fastPull); err != nil {
		t.Fatal(err)
	}
	checkModelsDir(t, models.Path, m)
}

func TestPullCancelled(t *testing.T) {
	f, _ := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (ModelsDir{Path: t.TempDir()}).Pull(ctx, NewClient(f.URL), tinyName, fastPull); !errors.Is(err, context.Canceled) {
		t.Errorf("Pull(cancelled) = %v", err)
	}
}

// TestPullStalled: a download that stops receiving data ends after
// StallTimeout, keeping what arrived.
func TestPullStalled(t *testing.T) {
	f, m := newFake(t)
	f.HangAfter(m.Layers[0].Digest(), 1000)
	opts := fastPull
	opts.Attempts, opts.StallTimeout = 2, 100*time.Millisecond
	_, err := (ModelsDir{Path: t.TempDir()}).Pull(context.Background(), NewClient(f.URL), tinyName, opts)
	// The second attempt resumed at 1000 bytes and got 1000 more.
	if !errors.Is(err, errStalled) || !strings.Contains(err.Error(), "nothing received for 100ms") || !strings.Contains(err.Error(), "2.0 kB kept in") {
		t.Errorf("Pull(stalled) = %v", err)
	}
}
