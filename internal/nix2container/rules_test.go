package nix2container

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	digest "github.com/opencontainers/go-digest"
)

// rulesStore lays out three store paths: small (one byte, no perms), big
// (10 KiB, a perm that sets a gname) and plain (10 KiB, no perms).
func rulesStore(t *testing.T) (string, map[string]Path) {
	t.Helper()
	root := t.TempDir()
	big := strings.Repeat("b", 10<<10)
	mkStore(t, root, map[string]string{
		"1111-small/a":     "x",
		"2222-big/data":    big,
		"3333-plain/data":  big,
		"3333-plain/data2": "y",
	})
	return root, map[string]Path{
		"small": {Path: "/nix/store/1111-small"},
		"big": {Path: "/nix/store/2222-big", Options: &PathOptions{Perms: []Perm{
			{Regex: ".*", Uid: 1000, Gid: 100, Uname: "user", Gname: "users"},
		}}},
		"plain": {Path: "/nix/store/3333-plain"},
	}
}

// recordedImage is an image of one layer per named path whose digests the
// given rules recorded, as the nix2container of that time would have.
func recordedImage(t *testing.T, root string, paths map[string]Path, rules Rules, names ...string) *Image {
	t.Helper()
	img := &Image{Version: 1}
	for _, n := range names {
		l, err := NewLayer(context.Background(), []Path{paths[n]}, Store{Root: root, Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		img.Layers = append(img.Layers, l)
	}
	return img
}

func TestRules(t *testing.T) {
	legacy := LegacyRules()
	tests := []struct {
		name      string
		recorded  Rules
		layers    []string
		want      string // Description
		wantLayer int
	}{
		{"current", Rules{}, []string{"plain", "small"}, "", 1},
		{"current, gname layer checked too", Rules{}, []string{"big", "small"}, "", 0},
		{"mtime 0", legacy[1].Rules, []string{"plain", "small"}, legacy[1].Description, 1},
		{"mtime 0 alone, as older tests record it", Rules{ZeroMtime: true}, []string{"plain", "small"}, legacy[1].Description, 1},
		{"gname bug, seen only in the bigger layer", legacy[0].Rules, []string{"big", "small"}, legacy[0].Description, 0},
		{"mtime 0 with gname perms, decided by the small layer", legacy[1].Rules, []string{"big", "small"}, legacy[1].Description, 1},
		{"duplicate layers", legacy[1].Rules, []string{"small", "plain", "small"}, legacy[1].Description, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, paths := rulesStore(t)
			img := recordedImage(t, root, paths, tt.recorded, tt.layers...)
			got, err := img.Rules(context.Background(), Store{Root: root})
			if err != nil {
				t.Fatalf("Rules() = %v", err)
			}
			if got.Description != tt.want || got.Layer != tt.wantLayer {
				t.Errorf("Rules() = %q from layer %d, want %q from layer %d", got.Description, got.Layer, tt.want, tt.wantLayer)
			}
			// The rule set found streams every layer, verified.
			s := Store{Root: root, Rules: got.Rules}
			for i := range img.Layers {
				if _, err := img.StreamLayer(context.Background(), i, &strings.Builder{}, s); err != nil {
					t.Errorf("StreamLayer(%d) with the rules found = %v", i, err)
				}
			}
		})
	}
}

func TestRulesNoneMatches(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		wantField string
	}{
		{"same size", "z", "digest"},
		{"other size", strings.Repeat("z", 600), "size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, paths := rulesStore(t)
			img := recordedImage(t, root, paths, Rules{}, "plain", "small")
			writeFile(t, filepath.Join(root, "nix/store/1111-small/a"), []byte(tt.content))
			_, err := img.Rules(context.Background(), Store{Root: root})
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("Rules() = %v, want *MismatchError", err)
			}
			if me.Layer != 1 || me.Field != tt.wantField || me.Legacy != "" || me.Expected != img.Layers[1].Digest {
				t.Errorf("MismatchError = layer %d, field %q, legacy %q, expected %s; want layer 1, %q, no legacy, %s",
					me.Layer, me.Field, me.Legacy, me.Expected, tt.wantField, img.Layers[1].Digest)
			}
			if msg := err.Error(); !strings.Contains(msg, "rebuild with nix build") || !strings.Contains(msg, "1111-small") {
				t.Errorf("Rules() error = %q, want the store-changed diagnosis naming the path", msg)
			}
		})
	}
}

func TestRulesUnreadable(t *testing.T) {
	root, paths := rulesStore(t)
	img := recordedImage(t, root, paths, Rules{}, "small")
	if err := os.RemoveAll(filepath.Join(root, "nix/store/1111-small")); err != nil {
		t.Fatal(err)
	}
	_, err := img.Rules(context.Background(), Store{Root: root})
	var me *MismatchError
	if err == nil || errors.As(err, &me) || !strings.Contains(err.Error(), "choosing the tar rules: hashing layer 0") {
		t.Errorf("Rules() of a missing store path = %v, want the read error", err)
	}
}

func TestRulesNothingToDecide(t *testing.T) {
	root := t.TempDir()
	tarBytes, gz := pulledLayer(t, root, "/nix/store/4444-base/layer.tar.gz")
	img := pulledImage(t, digest.FromBytes(gz), digest.FromBytes(tarBytes), "/nix/store/4444-base/layer.tar.gz")
	got, err := img.Rules(context.Background(), Store{Root: root})
	if err != nil || got.Older() || got.Layer != -1 {
		t.Errorf("Rules() of a pulled-only image = %+v, %v; want the store's rules, layer -1", got, err)
	}
}

func TestRulesMatchNote(t *testing.T) {
	legacy := LegacyRules()
	tests := []struct {
		m    RulesMatch
		want string
	}{
		{RulesMatch{Layer: 2}, ""},
		{RulesMatch{NamedRules: legacy[1], Layer: 2}, "layer 2 matches the tar rules of nix2container before 2024-07-08 (mtime 0): pushing with those rules"},
	}
	for _, tt := range tests {
		if got := tt.m.Note("pushing"); got != tt.want {
			t.Errorf("Note(pushing) = %q, want %q", got, tt.want)
		}
	}
}
