package contentstore

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// A broken image must leave no image record behind, and no lease.
func TestLoadFails(t *testing.T) {
	good := twoLayers(t, "one")
	layers, _, _ := good.descriptors(t)
	for _, tc := range []struct {
		name    string
		img     func() *testImage
		wantErr string
	}{
		{name: "blob content differs", wantErr: "unexpected commit digest", img: func() *testImage {
			i := twoLayers(t, "one")
			b := bytes.Clone(i.blobs[layers[1].Digest])
			b[len(b)-1] ^= 1
			i.blobs[layers[1].Digest] = b
			return i
		}},
		{name: "blob shorter", wantErr: "it ended after", img: func() *testImage {
			i := twoLayers(t, "one")
			i.blobs[layers[1].Digest] = i.blobs[layers[1].Digest][:10]
			return i
		}},
		{name: "blob not there", wantErr: "opening blob " + layers[0].Digest.String(), img: func() *testImage {
			i := twoLayers(t, "one")
			delete(i.blobs, layers[0].Digest)
			return i
		}},
		{name: "an index", wantErr: "not an image manifest", img: func() *testImage {
			i := twoLayers(t, "one")
			i.manifest = []byte(`{"schemaVersion":2,"mediaType":"` + ocispec.MediaTypeImageIndex + `","manifests":[]}`)
			return i
		}},
		{name: "an index without media type", wantErr: "not an image manifest", img: func() *testImage {
			i := twoLayers(t, "one")
			i.manifest = []byte(`{"schemaVersion":2,"manifests":[]}`)
			return i
		}},
		{name: "bad layer digest", wantErr: "layer 0 digest", img: func() *testImage {
			i := twoLayers(t, "one")
			i.manifest = []byte(`{"schemaVersion":2,"config":{"digest":"` + digest.FromString("c").String() + `","size":1},"layers":[{"digest":"sha256:abc","size":1}]}`)
			return i
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, s := dialFake(t)
			_, err := s.Load(context.Background(), tc.img(), "app", Options{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Load = %v, want an error containing %q", err, tc.wantErr)
			}
			if i := f.image("docker.io/library/app:latest"); i != nil {
				t.Errorf("image record %v left after a failed Load", i)
			}
			if n := f.leaseCount(); n != 0 {
				t.Errorf("%d leases left after a failed Load, want 0", n)
			}
		})
	}
}

// A write cut short leaves an ingest; the next write of that blob resumes
// it, reading past what containerd holds.
func TestWriteResumes(t *testing.T) {
	f, s := dialFake(t)
	b := []byte("0123456789")
	desc := ocispec.Descriptor{Digest: digest.FromBytes(b), Size: int64(len(b))}
	f.mu.Lock()
	f.ingests["nanna-load-"+desc.Digest.String()] = bytes.Clone(b[:4])
	f.mu.Unlock()
	written, err := s.write(s.withNamespace(context.Background()), desc, bytes.NewReader(b), nil)
	if err != nil || !written {
		t.Fatalf("write = %v, %v; want true, nil", written, err)
	}
	if got := f.blob(desc.Digest); got == nil || !bytes.Equal(got.data, b) {
		t.Errorf("stored blob = %+v, want %q", got, b)
	}
}

// While another session holds the blob's ref, write waits; when that
// session commits the blob, write finds it present.
func TestWriteWaitsForLock(t *testing.T) {
	f, s := dialFake(t)
	b := []byte("blob")
	desc := ocispec.Descriptor{Digest: digest.FromBytes(b), Size: int64(len(b))}
	ref := "nanna-load-" + desc.Digest.String()
	f.mu.Lock()
	f.locked[ref] = true
	f.ingests[ref] = nil
	f.mu.Unlock()
	f.onStatus = func(string) {
		// The other session finishes.
		f.mu.Lock()
		delete(f.locked, ref)
		delete(f.ingests, ref)
		f.blobs[desc.Digest] = &fakeBlob{data: b}
		f.mu.Unlock()
	}
	written, err := s.write(s.withNamespace(context.Background()), desc, errReader{}, nil)
	if err != nil || written {
		t.Fatalf("write = %v, %v; want false (present), nil", written, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.statuses != 1 {
		t.Errorf("write asked for the ingest's status %d times, want 1", f.statuses)
	}
}

// errReader fails every read: the blob must not be read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("read, but the blob was present") }
