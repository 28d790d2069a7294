package nix2container

import (
	"context"
	"errors"
	"fmt"
	"slices"

	digest "github.com/opencontainers/go-digest"
)

// Rules selects a tar rule set; the zero value is the current one.
type Rules struct {
	// ZeroMtime writes mtime 0 instead of 1 s, as nix2container did before
	// 6f51fc5 (2024-07-08).
	ZeroMtime bool
	// GnameFromUname reproduces the bug fixed by de69713 (2024-11-10): a perm
	// with a non-empty gname set the group name to the perm's uname.
	GnameFromUname bool
}

// NamedRules is a tar rule set with a human description of the
// nix2container versions that used it.
type NamedRules struct {
	// Rules is the rule set.
	Rules Rules
	// Description names the nix2container versions, such as
	// "nix2container before 2024-07-08 (mtime 0)".
	Description string
}

// LegacyRules lists the older rule sets worth trying when a digest does not
// match, newest first. Every version-1 JSON (nix2container v1.0.0, 2023-02,
// and later) was written by one of these or by the current rules.
func LegacyRules() []NamedRules {
	return []NamedRules{
		{
			Rules:       Rules{GnameFromUname: true},
			Description: "nix2container between 2024-07-08 and 2024-11-10 (gname taken from uname)",
		},
		{
			Rules:       Rules{ZeroMtime: true, GnameFromUname: true},
			Description: "nix2container before 2024-07-08 (mtime 0)",
		},
	}
}

// RulesMatch is the tar rule set Image.Rules found an image's JSON was
// written with.
type RulesMatch struct {
	// NamedRules is the rule set; its Description is "" when it is the
	// store's own rule set, and names the older nix2container otherwise.
	NamedRules
	// Layer is the layer whose digest decided; -1 when no layer is tarred
	// from store paths, so there was nothing to decide.
	Layer int
}

// Older reports whether the image needs one of LegacyRules rather than the
// store's own rules.
func (m RulesMatch) Older() bool { return m.Description != "" }

// Note is the line that tells the user the older rules are used, doing
// naming what is done with them ("loading", "pushing"); "" when the
// store's own rules fit.
func (m RulesMatch) Note(doing string) string {
	if !m.Older() {
		return ""
	}
	return fmt.Sprintf("layer %d matches the tar rules of %s: %s with those rules", m.Layer, m.Description, doing)
}

// Rules finds, before anything is streamed, the tar rule set the image's
// JSON was written with: store.Rules (normally the current rules) or one
// of LegacyRules. It hashes the smallest layer tarred from store paths
// with store.Rules and, if the digest differs, with each older rule set in
// turn; the first match decides. Only when rule sets that remain give the
// same bytes for that layer but not for another (the gname bug shows only
// in layers whose perms set a gname) is the smallest such layer hashed
// too. Nothing is written anywhere. When no rule set reproduces a layer,
// it returns the *MismatchError StreamLayer would (Legacy empty: no older
// rule set matches either). Set store.Rules to the result's Rules before
// streaming: StreamLayer still verifies every layer.
func (img *Image) Rules(ctx context.Context, store Store) (RulesMatch, error) {
	cands := []NamedRules{{Rules: store.Rules}}
	for _, nr := range LegacyRules() {
		if nr.Rules != store.Rules {
			cands = append(cands, nr)
		}
	}
	match := RulesMatch{NamedRules: cands[0], Layer: -1}
	for _, i := range img.tarredBySize() {
		l := img.Layers[i]
		var sets []Rules
		for _, c := range cands {
			if r := l.effective(c.Rules); !slices.Contains(sets, r) {
				sets = append(sets, r)
			}
		}
		if match.Layer >= 0 && len(sets) < 2 {
			continue // the candidates tar this layer alike
		}
		k, err := img.firstMatch(ctx, i, store, sets)
		var mismatch *MismatchError
		if err != nil && !errors.As(err, &mismatch) {
			err = fmt.Errorf("choosing the tar rules: %w", err)
		}
		if err != nil {
			return RulesMatch{}, err
		}
		cands = slices.DeleteFunc(cands, func(c NamedRules) bool { return l.effective(c.Rules) != sets[k] })
		match = RulesMatch{NamedRules: cands[0], Layer: i}
		if len(cands) == 1 {
			break
		}
	}
	return match, nil
}

// tarredBySize returns the indexes of the distinct layers tarred from
// store paths, smallest first.
func (img *Image) tarredBySize() []int {
	var out []int
	seen := map[digest.Digest]bool{}
	for i, l := range img.Layers {
		if l.LayerPath != "" || len(l.Paths) == 0 || seen[l.Digest] {
			continue
		}
		seen[l.Digest] = true
		out = append(out, i)
	}
	slices.SortStableFunc(out, func(a, b int) int { return int(img.Layers[a].Size - img.Layers[b].Size) })
	return out
}

// firstMatch hashes layer i with each rule set of sets in turn and returns
// the index of the first whose digest and size are the JSON's. When none
// is, it returns the *MismatchError of sets[0].
func (img *Image) firstMatch(ctx context.Context, i int, store Store, sets []Rules) (int, error) {
	l := img.Layers[i]
	var first *MismatchError
	for k, r := range sets {
		s := store
		s.Rules = r
		d := digest.SHA256.Digester()
		n, err := l.WriteBlob(ctx, d.Hash(), s)
		if err != nil {
			return 0, fmt.Errorf("hashing layer %d: %w", i, err)
		}
		if d.Digest() == l.Digest && (l.Size == 0 || n == l.Size) {
			return k, nil
		}
		if k == 0 {
			first = &MismatchError{Layer: i, Paths: l.StorePaths(), Field: "digest", Expected: l.Digest, Actual: d.Digest(), ExpectedSize: l.Size, ActualSize: n}
			if l.Size != 0 && n != l.Size {
				first.Field = "size"
			}
		}
	}
	return 0, first
}

// effective is r as it applies to l: GnameFromUname changes only layers
// whose perms set a gname.
func (l Layer) effective(r Rules) Rules {
	if !layerHasGname(l) {
		r.GnameFromUname = false
	}
	return r
}
