package contentstore

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestLoad(t *testing.T) {
	v1 := twoLayers(t, "one")
	v2 := twoLayers(t, "two")
	l1, c1, m1 := v1.descriptors(t)
	l2, c2, m2 := v2.descriptors(t)
	dup := newTestImage(t, nil, layerTar(t, "a", []byte("a")), layerTar(t, "a", []byte("a")))
	ld, cd, md := dup.descriptors(t)
	for _, tc := range []struct {
		name string
		// before is loaded first, as name:latest.
		before       *testImage
		img          *testImage
		wantWritten  []ocispec.Descriptor
		wantOpened   []ocispec.Descriptor
		wantPresent  []ocispec.Descriptor
		wantManifest ocispec.Descriptor
		wantLayers   []ocispec.Descriptor
		wantConfig   ocispec.Descriptor
	}{
		{
			name: "empty store", img: v1,
			wantWritten: []ocispec.Descriptor{l1[0], l1[1], c1, m1}, wantOpened: []ocispec.Descriptor{l1[0], l1[1], c1},
			wantManifest: m1, wantLayers: l1, wantConfig: c1,
		},
		{
			name: "same image again", before: v1, img: v1,
			wantPresent:  []ocispec.Descriptor{l1[0], l1[1], c1},
			wantManifest: m1, wantLayers: l1, wantConfig: c1,
		},
		{
			name: "new top layer", before: v1, img: v2,
			wantWritten: []ocispec.Descriptor{l2[1], c2, m2}, wantOpened: []ocispec.Descriptor{l2[1], c2},
			wantPresent:  []ocispec.Descriptor{l2[0]},
			wantManifest: m2, wantLayers: l2, wantConfig: c2,
		},
		{
			name: "a layer twice", img: dup,
			wantWritten: []ocispec.Descriptor{ld[0], cd, md}, wantOpened: []ocispec.Descriptor{ld[0], cd},
			wantManifest: md, wantLayers: ld, wantConfig: cd,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, s := dialFake(t)
			ctx := context.Background()
			if tc.before != nil {
				if _, err := s.Load(ctx, tc.before, "app", Options{}); err != nil {
					t.Fatal(err)
				}
			}
			tc.img.opened = nil
			res, err := s.Load(ctx, tc.img, "app", Options{})
			if err != nil {
				t.Fatalf("Load = %v", err)
			}
			want := Result{Name: "docker.io/library/app:latest", Target: tc.wantManifest, Written: tc.wantWritten, Present: tc.wantPresent}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("Load result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(digests(tc.wantOpened), tc.img.opened); diff != "" {
				t.Errorf("blobs opened (-want +got):\n%s", diff)
			}
			if got := f.image(want.Name).GetTarget().GetDigest(); got != tc.wantManifest.Digest.String() {
				t.Errorf("image record %s targets %s, want %s", want.Name, got, tc.wantManifest.Digest)
			}
			wantLabels := map[string]string{"containerd.io/gc.ref.content.config": tc.wantConfig.Digest.String()}
			for i, l := range tc.wantLayers {
				wantLabels["containerd.io/gc.ref.content.l."+strconv.Itoa(i)] = l.Digest.String()
			}
			if diff := cmp.Diff(wantLabels, f.blob(tc.wantManifest.Digest).labels); diff != "" {
				t.Errorf("manifest labels (-want +got):\n%s", diff)
			}
			committed, unheld := f.calls()
			for _, d := range committed {
				if f.blob(d).lease == "" {
					t.Errorf("blob %s was written without a lease", d)
				}
			}
			if len(unheld) != 0 {
				t.Errorf("Load asked for blobs %v before a lease held them", unheld)
			}
			if n := f.leaseCount(); n != 0 {
				t.Errorf("%d leases left after Load, want 0", n)
			}
		})
	}
}

// A manifest blob that is present without the labels (say, written by
// another tool) gets them, or the garbage collector would take its layers.
func TestLoadLabelsPresentManifest(t *testing.T) {
	f, s := dialFake(t)
	img := twoLayers(t, "one")
	f.put(img.manifest, nil)
	if _, err := s.Load(context.Background(), img, "app", Options{}); err != nil {
		t.Fatal(err)
	}
	_, _, m := img.descriptors(t)
	if got := len(f.blob(m.Digest).labels); got != 3 {
		t.Errorf("present manifest has %d labels after Load, want 3 (config, l.0, l.1): %v", got, f.blob(m.Digest).labels)
	}
}

func TestMissing(t *testing.T) {
	f, s := dialFake(t)
	f.put([]byte("a"), nil)
	a, b := digest.FromString("a"), digest.FromString("b")
	got, err := s.Missing(context.Background(), []digest.Digest{a, b})
	if err != nil || !cmp.Equal(got, []digest.Digest{b}) {
		t.Errorf("Missing(a, b) = %v, %v; want [%s]", got, err, b)
	}
}
