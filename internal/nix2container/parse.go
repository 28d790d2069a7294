package nix2container

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	digest "github.com/opencontainers/go-digest"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// rawImage mirrors nix2container's types.Image.
type rawImage struct {
	Version *int           `json:"version"`
	Config  v1.ImageConfig `json:"image-config"`
	Layers  []rawLayer     `json:"layers"`
	Arch    string         `json:"arch"`
	Created *time.Time     `json:"created"`
}

// rawLayer mirrors nix2container's types.Layer.
type rawLayer struct {
	Digest    string      `json:"digest"`
	Size      int64       `json:"size"`
	DiffIDs   string      `json:"diff_ids"`
	Paths     []Path      `json:"paths,omitempty"`
	MediaType string      `json:"mediatype"`
	LayerPath string      `json:"layer-path,omitempty"`
	History   *v1.History `json:"History"`
}

// ReadFile reads and parses the image JSON at path (see Parse).
func ReadFile(path string) (*Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("reading image JSON %s: %w", path, err)
	}
	img, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("reading image JSON %s: %w", path, err)
	}
	img.File = path
	return img, nil
}

// Parse parses and validates an image JSON written by nix2container v1.0.0
// (2023-02) or later. It checks the version, and for each layer the digests,
// the media type, that it has paths or a layer-path, that an uncompressed
// layer's digest equals its diff_ids, that the size is not negative, and,
// without touching the filesystem, that every store path is a direct child of
// StoreDir and the layer-path is inside it (Check also resolves symlinks).
// The first problem found is returned, naming the layer and the field.
func Parse(data []byte) (*Image, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, jsonError(data, err)
	}
	if probe.Version == nil {
		return nil, errors.New("version is missing: the file predates nix2container v1.0.0 (2023-02) and must be rebuilt with a current nix2container")
	}
	if *probe.Version != Version {
		return nil, fmt.Errorf("unsupported version %d, this tool reads version %d", *probe.Version, Version)
	}
	var raw rawImage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, jsonError(data, err)
	}
	img := &Image{
		Version: *raw.Version,
		Config:  raw.Config,
		Arch:    raw.Arch,
		Created: raw.Created,
		Layers:  make([]Layer, 0, len(raw.Layers)),
	}
	for i, rl := range raw.Layers {
		l, err := convertLayer(rl)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		img.Layers = append(img.Layers, l)
	}
	return img, nil
}

// convertLayer validates a raw layer and converts it.
func convertLayer(rl rawLayer) (Layer, error) {
	dgst, err := parseSHA256(rl.Digest)
	if err != nil {
		return Layer{}, fmt.Errorf("digest: %w", err)
	}
	diffID, err := parseSHA256(rl.DiffIDs)
	if err != nil {
		return Layer{}, fmt.Errorf("diff_ids: %w", err)
	}
	if rl.Size < 0 {
		return Layer{}, fmt.Errorf("size: %d is negative", rl.Size)
	}
	uncompressed, known := mediaTypes()[rl.MediaType]
	switch {
	case rl.MediaType == "":
		return Layer{}, errors.New("mediatype: missing")
	case !known:
		return Layer{}, fmt.Errorf("mediatype: unknown media type %q", rl.MediaType)
	case uncompressed && dgst != diffID:
		return Layer{}, fmt.Errorf("digest: %s differs from diff_ids %s for the uncompressed media type %s", dgst, diffID, rl.MediaType)
	}
	if len(rl.Paths) == 0 && rl.LayerPath == "" {
		return Layer{}, errors.New("paths: the layer has neither paths nor layer-path")
	}
	for j, p := range rl.Paths {
		if p.Path == "" {
			return Layer{}, fmt.Errorf("paths[%d].path: empty", j)
		}
		if err := confineStorePath(p.Path); err != nil {
			return Layer{}, fmt.Errorf("paths[%d].path %w", j, err)
		}
	}
	if rl.LayerPath != "" {
		if err := confineLayerPath(rl.LayerPath); err != nil {
			return Layer{}, fmt.Errorf("layer-path %w", err)
		}
	}
	return Layer{
		Digest:    dgst,
		Size:      rl.Size,
		DiffID:    diffID,
		Paths:     rl.Paths,
		MediaType: rl.MediaType,
		LayerPath: rl.LayerPath,
		History:   rl.History,
	}, nil
}

// mediaTypes maps each known layer media type to whether it is uncompressed.
func mediaTypes() map[string]bool {
	return map[string]bool{
		MediaTypeTar:           true,
		MediaTypeDockerTar:     true,
		MediaTypeTarGzip:       false,
		MediaTypeDockerTarGzip: false,
		MediaTypeTarZstd:       false,
	}
}

// parseSHA256 parses s as a sha256 digest.
func parseSHA256(s string) (digest.Digest, error) {
	if s == "" {
		return "", errors.New("missing")
	}
	d, err := digest.Parse(s)
	if err != nil {
		return "", fmt.Errorf("parsing %q: %w", s, err)
	}
	if d.Algorithm() != digest.SHA256 {
		return "", fmt.Errorf("parsing %q: algorithm %s, want sha256", s, d.Algorithm())
	}
	return d, nil
}

// jsonError adds the line and column to JSON syntax and type errors.
func jsonError(data []byte, err error) error {
	var offset int64
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	default:
		return fmt.Errorf("parsing JSON: %w", err)
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	// Offset counts the bytes read up to and including the offending one.
	col := len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return fmt.Errorf("parsing JSON at line %d, column %d: %w", line, col, err)
}
