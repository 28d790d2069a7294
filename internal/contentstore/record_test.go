package contentstore

import (
	"context"
	"testing"

	"github.com/opencontainers/go-digest"
)

func TestCanonicalName(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		wantErr    bool
	}{
		{name: "ollama", want: "docker.io/library/ollama:latest"},
		{name: "ollama:0.5", want: "docker.io/library/ollama:0.5"},
		{name: "nanna/ollama", want: "docker.io/nanna/ollama:latest"},
		{name: "ghcr.io/nanna-coder/ollama:1", want: "ghcr.io/nanna-coder/ollama:1"},
		{name: "localhost:5000/x", want: "localhost:5000/x:latest"},
		{name: "Ollama", wantErr: true},
		{name: "ollama@sha256:" + digest.FromString("x").Encoded(), wantErr: true},
		{name: "", wantErr: true},
	} {
		got, err := canonicalName(tc.name)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("canonicalName(%q) = %q, %v; want %q, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

// Moving a name to a new image keeps the old one as Docker does: dangling
// unless another name refers to it; a dangling record of the new image goes.
func TestLoadMovesName(t *testing.T) {
	const name = "docker.io/library/app:latest"
	img := twoLayers(t, "new")
	_, _, m := img.descriptors(t)
	old := digest.FromString("old manifest")
	for _, tc := range []struct {
		name         string
		before       map[string]digest.Digest
		wantDangling map[digest.Digest]bool // dangling record present afterwards
	}{
		{name: "new name", wantDangling: map[digest.Digest]bool{m.Digest: false}},
		{name: "name on another image", before: map[string]digest.Digest{name: old},
			wantDangling: map[digest.Digest]bool{old: true, m.Digest: false}},
		{name: "another name keeps the old image", before: map[string]digest.Digest{name: old, "docker.io/library/other:latest": old},
			wantDangling: map[digest.Digest]bool{old: false}},
		{name: "new image was dangling", before: map[string]digest.Digest{danglingPrefix + m.Digest.String(): m.Digest},
			wantDangling: map[digest.Digest]bool{m.Digest: false}},
		{name: "same image", before: map[string]digest.Digest{name: m.Digest},
			wantDangling: map[digest.Digest]bool{m.Digest: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, s := dialFake(t)
			for n, d := range tc.before {
				f.setImage(n, d)
			}
			if _, err := s.Load(context.Background(), img, "app", Options{}); err != nil {
				t.Fatal(err)
			}
			if got := f.image(name).GetTarget().GetDigest(); got != m.Digest.String() {
				t.Errorf("%s targets %s, want %s", name, got, m.Digest)
			}
			for d, want := range tc.wantDangling {
				if got := f.image(danglingPrefix+d.String()) != nil; got != want {
					t.Errorf("dangling record of %s exists = %v, want %v", d, got, want)
				}
			}
		})
	}
}
