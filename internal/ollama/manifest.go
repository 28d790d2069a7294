package ollama

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Media types of Ollama manifests (Docker image manifest schema 2).
const (
	// ManifestMediaType is the manifest's type and the Accept header Ollama
	// sends for it.
	ManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json"
	// ConfigMediaType is the model configuration blob.
	ConfigMediaType = "application/vnd.docker.container.image.v1+json"
	// ModelMediaType is the GGUF weights.
	ModelMediaType = "application/vnd.ollama.image.model"
	// TemplateMediaType is the chat template.
	TemplateMediaType = "application/vnd.ollama.image.template"
	// ParamsMediaType is the default options (JSON).
	ParamsMediaType = "application/vnd.ollama.image.params"
	// LicenseMediaType is a licence text.
	LicenseMediaType = "application/vnd.ollama.image.license"
)

// Layer is a blob a manifest refers to: the config or a layer.
type Layer struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

// Hex is the digest without its "sha256:" prefix.
func (l Layer) Hex() string { return strings.TrimPrefix(l.Digest, "sha256:") }

// BlobFile is the blob's file name in Ollama's blobs directory:
// "sha256-<hex>".
func (l Layer) BlobFile() string { return "sha256-" + l.Hex() }

// Manifest is a model manifest together with the exact bytes the registry
// sent, which Ollama stores verbatim and which are hashed into a pin.
type Manifest struct {
	SchemaVersion int     `json:"schemaVersion"`
	MediaType     string  `json:"mediaType"`
	Config        Layer   `json:"config"`
	Layers        []Layer `json:"layers"`

	raw []byte
}

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// ParseManifest parses raw manifest bytes and keeps them.
func ParseManifest(raw []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parsing manifest: %w", err)
	}
	if m.SchemaVersion != 2 {
		return nil, fmt.Errorf("parsing manifest: schemaVersion %d, want 2", m.SchemaVersion)
	}
	if len(m.Layers) == 0 {
		return nil, fmt.Errorf("parsing manifest: no layers")
	}
	for _, l := range append([]Layer{m.Config}, m.Layers...) {
		if !digestRE.MatchString(l.Digest) {
			return nil, fmt.Errorf("parsing manifest: invalid digest %q (want sha256:<64 lower-case hex digits>)", l.Digest)
		}
		if l.Size < 0 {
			return nil, fmt.Errorf("parsing manifest: blob %s has negative size %d", l.Digest, l.Size)
		}
	}
	m.raw = append([]byte(nil), raw...)
	return &m, nil
}

// Raw returns the manifest bytes as the registry sent them.
func (m *Manifest) Raw() []byte { return m.raw }

// Digest is "sha256:<hex>" of the raw bytes: the model's ID, of which
// `ollama list` shows the first 12 hex digits.
func (m *Manifest) Digest() string {
	sum := sha256.Sum256(m.raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Blobs returns the config and the layers, each digest once, in manifest
// order.
func (m *Manifest) Blobs() []Layer {
	seen := map[string]bool{}
	var out []Layer
	for _, l := range append([]Layer{m.Config}, m.Layers...) {
		if !seen[l.Digest] {
			seen[l.Digest] = true
			out = append(out, l)
		}
	}
	return out
}

// Size is the model's size as `ollama list` computes it: the config's size
// plus every layer's.
func (m *Manifest) Size() int64 {
	n := m.Config.Size
	for _, l := range m.Layers {
		n += l.Size
	}
	return n
}
