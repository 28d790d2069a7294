package models

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/nanna-coder/build/internal/jsonerr"
	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// File is nix/models.nix relative to the repository root.
const File = "nix/models.nix"

// Placeholder is the hash of a model that is not pinned yet
// (nixpkgs' lib.fakeHash).
const Placeholder = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

// Model is one entry of nix/models.nix.
type Model struct {
	// Key is the attribute name, used on the command line ("llama3").
	Key string `json:"-"`
	// Name is the Ollama model name ("llama3:8b").
	Name string `json:"name"`
	// Hash is the fixed-output hash of the model derivation.
	Hash string `json:"hash"`
	// Size is the download size as written for people ("4.7GB").
	Size string `json:"size"`
	// Description and Homepage are for people and the derivation's meta.
	Description string `json:"description"`
	Homepage    string `json:"homepage"`
}

// Status says whether a model is pinned.
type Status string

// The statuses of a model's hash.
const (
	// Pinned is a valid sha256 hash.
	Pinned Status = "pinned"
	// NotPinned is the placeholder: the image gets a stub.
	NotPinned Status = "placeholder"
	// InvalidHash is neither: Nix would reject the derivation.
	InvalidHash Status = "invalid"
)

// Status classifies m.Hash like nix/containers.nix does: the placeholder
// (lib.fakeHash, or any hash with 43 zeros in a row as upstream writes it)
// means not pinned; anything else must parse as a sha256.
func (m Model) Status() Status {
	switch {
	case m.Hash == "" || m.Hash == Placeholder || strings.Contains(m.Hash, strings.Repeat("0", 43)):
		return NotPinned
	}
	if _, err := narhash.Parse(m.Hash); err != nil {
		return InvalidHash
	}
	return Pinned
}

// Read evaluates the models file and returns its models sorted by key.
func Read(ctx context.Context, file string, eval nixbuild.Evaluator) ([]Model, error) {
	data, err := eval(ctx, file)
	if err != nil {
		return nil, fmt.Errorf("reading models: %w", err)
	}
	return decode(file, data)
}

func decode(file string, data []byte) ([]Model, error) {
	var set map[string]Model
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("reading models: %s does not evaluate to an attribute set of models: %w", file, jsonerr.Describe(data, err))
	}
	out := make([]Model, 0, len(set))
	for k, m := range set {
		if m.Name == "" {
			return nil, fmt.Errorf("reading models: %s: model %s has no name", file, k)
		}
		m.Key = k
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Lookup returns the model key of the models read from file, or an error
// that lists the known keys.
func Lookup(models []Model, file, key string) (Model, error) {
	for _, m := range models {
		if m.Key == key {
			return m, nil
		}
	}
	return Model{}, fmt.Errorf("unknown model %q: %s has %s", key, file, keys(models))
}

func keys(models []Model) string {
	ks := make([]string, len(models))
	for i, m := range models {
		ks[i] = m.Key
	}
	if len(ks) == 0 {
		return "no models"
	}
	return strings.Join(ks, ", ")
}
