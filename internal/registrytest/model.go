package registrytest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
)

// Media types Ollama uses (the same strings as package ollama's constants,
// repeated so that the tests check them independently).
const (
	manifestType = "application/vnd.docker.distribution.manifest.v2+json"
	configType   = "application/vnd.docker.container.image.v1+json"
)

// Blob is one blob of a model.
type Blob struct {
	MediaType string
	Data      []byte
}

// Digest is "sha256:<hex>" of the data.
func (b Blob) Digest() string { return digestOf(b.Data) }

// Model is a manifest and its blobs, as a registry serves them.
type Model struct {
	// Manifest is the manifest's exact bytes.
	Manifest []byte
	// Config and Layers are the blobs in manifest order.
	Config Blob
	Layers []Blob
}

// Blobs returns the config and the layers.
func (m Model) Blobs() []Blob { return append([]Blob{m.Config}, m.Layers...) }

// Size is the sum of the blob sizes.
func (m Model) Size() int64 {
	var n int64
	for _, b := range m.Blobs() {
		n += int64(len(b.Data))
	}
	return n
}

// TinyModel returns a model shaped like an Ollama one: a config, GGUF-like
// weights of weightsSize pseudo-random bytes (from seed), a template,
// params and a licence. The manifest is laid out like the registry's, with
// the keys in the order Ollama writes them.
func TinyModel(seed uint64, weightsSize int) Model {
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 't', 'i', 'n', 'y'})
	weights := make([]byte, weightsSize)
	_, _ = rng.Read(weights)
	copy(weights, "GGUF\x03\x00\x00\x00")
	m := Model{
		Config: Blob{configType, []byte(fmt.Sprintf(`{"model_format":"gguf","model_family":"tiny","model_families":["tiny"],"model_type":"%dK","file_type":"Q4_0","architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`, weightsSize/1000))},
		Layers: []Blob{
			{"application/vnd.ollama.image.model", weights},
			{"application/vnd.ollama.image.template", []byte("{{ if .System }}<|system|>\n{{ .System }}{{ end }}<|user|>\n{{ .Prompt }}<|assistant|>\n")},
			{"application/vnd.ollama.image.params", []byte(`{"stop":["<|user|>"],"temperature":0.7}`)},
			{"application/vnd.ollama.image.license", []byte("Tiny test model licence: do what you like.\n")},
		},
	}
	type layer struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Size      int    `json:"size"`
	}
	doc := struct {
		SchemaVersion int     `json:"schemaVersion"`
		MediaType     string  `json:"mediaType"`
		Config        layer   `json:"config"`
		Layers        []layer `json:"layers"`
	}{SchemaVersion: 2, MediaType: manifestType, Config: layer{configType, m.Config.Digest(), len(m.Config.Data)}}
	for _, l := range m.Layers {
		doc.Layers = append(doc.Layers, layer{l.MediaType, l.Digest(), len(l.Data)})
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	m.Manifest = raw
	return m
}
