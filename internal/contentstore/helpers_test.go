package contentstore

import (
	"context"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// dialFake starts a fake containerd holding namespace moby and dials it.
func dialFake(t *testing.T) (*fakeContainerd, *Store) {
	t.Helper()
	f := newFake(t, "moby")
	s, err := Dial(context.Background(), f.address, "moby")
	if err != nil {
		t.Fatalf("Dial(%s) = %v", f.address, err)
	}
	t.Cleanup(func() { s.Close() })
	return f, s
}

// twoLayers builds a test image of a bottom layer and a top layer holding
// top, like the integration test's but without a binary.
func twoLayers(t *testing.T, top string) *testImage {
	t.Helper()
	return newTestImage(t, []string{"/hello"}, layerTar(t, "hello", []byte("#!/bin/sh\n")), layerTar(t, "message.txt", []byte(top)))
}

// digests returns the digests of descs.
func digests(descs []ocispec.Descriptor) []digest.Digest {
	var out []digest.Digest
	for _, d := range descs {
		out = append(out, d.Digest)
	}
	return out
}
