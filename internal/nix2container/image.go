package nix2container

import (
	"time"

	digest "github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/identity"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// Version is the only image JSON version this package reads.
const Version = 1

// Layer media types accepted in an image JSON.
const (
	MediaTypeTar           = v1.MediaTypeImageLayer     // application/vnd.oci.image.layer.v1.tar
	MediaTypeTarGzip       = v1.MediaTypeImageLayerGzip // application/vnd.oci.image.layer.v1.tar+gzip
	MediaTypeTarZstd       = v1.MediaTypeImageLayerZstd // application/vnd.oci.image.layer.v1.tar+zstd
	MediaTypeDockerTar     = "application/vnd.docker.image.rootfs.diff.tar"
	MediaTypeDockerTarGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
)

// Image is a parsed nix2container image JSON.
type Image struct {
	// Version is the JSON's "version"; Parse accepts only 1.
	Version int
	// Config is the JSON's "image-config".
	Config v1.ImageConfig
	// Layers lists the layers bottom to top, duplicates included.
	Layers []Layer
	// Arch is the GOARCH-style architecture ("amd64", "arm64", or "").
	Arch string
	// Created is nil when the key is absent or null.
	Created *time.Time
	// File is the path of the JSON file the image was read from (ReadFile),
	// "" when parsed from bytes.
	File string
}

// Layer is one entry of the JSON's "layers".
type Layer struct {
	// Digest is the blob digest.
	Digest digest.Digest
	// Size is the blob length; 0 for pulled base layers.
	Size int64
	// DiffID is the digest of the uncompressed tar (JSON key "diff_ids", one string).
	DiffID digest.Digest
	// Paths lists the store paths tarred into the layer, in JSON order.
	Paths []Path
	// MediaType is the layer media type (one of the MediaType constants).
	MediaType string
	// LayerPath is the ready-made blob ("layer-path"); it takes precedence over Paths.
	LayerPath string
	// History is the layer's "History" entry; nil when absent.
	History *v1.History
}

// Path is a store path of a layer with its optional rewrite and permission rules.
type Path struct {
	// Path is the absolute store path, such as /nix/store/<hash>-name.
	Path string `json:"path"`
	// Options is nil when the JSON has no "options".
	Options *PathOptions `json:"options,omitempty"`
}

// PathOptions holds the rewrite and permission rules of a Path.
type PathOptions struct {
	// Rewrite maps source paths to tar names; an empty Regex means no rewrite.
	Rewrite Rewrite `json:"rewrite"`
	// Perms override ownership and mode of the entries whose source path matches.
	Perms []Perm `json:"perms,omitempty"`
}

// Rewrite replaces Regex matches in a source path by Repl ($1 expansion applies).
type Rewrite struct {
	// Regex is a Go (RE2) regular expression; "" disables the rewrite.
	Regex string `json:"regex"`
	// Repl is the replacement template.
	Repl string `json:"repl"`
}

// Perm overrides ownership and mode of the tar entries whose source path matches Regex.
type Perm struct {
	// Regex is matched against the source /nix/store/... path.
	Regex string `json:"regex"`
	// Mode is an octal string such as "0755"; "" keeps the mode.
	Mode string `json:"mode"`
	// Uid and Gid are always applied when the regex matches, even when 0.
	Uid int `json:"uid"`
	// Gid is the group id applied on a match.
	Gid int `json:"gid"`
	// Uname replaces "root" when non-empty.
	Uname string `json:"uname"`
	// Gname replaces "root" when non-empty.
	Gname string `json:"gname"`
}

// ChainIDs returns, per layer, the image-spec ChainID of the layers up to and
// including it.
func (img *Image) ChainIDs() []digest.Digest {
	ids := make([]digest.Digest, len(img.Layers))
	for i, l := range img.Layers {
		ids[i] = l.DiffID
	}
	return identity.ChainIDs(ids)
}

// StorePaths returns the layer's store paths, or its layer-path when it has
// one, for messages.
func (l Layer) StorePaths() []string {
	if l.LayerPath != "" {
		return []string{l.LayerPath}
	}
	out := make([]string, len(l.Paths))
	for i, p := range l.Paths {
		out[i] = p.Path
	}
	return out
}

// Describe names the layer for messages: its first three store paths and
// how many more, or its layer-path.
func (l Layer) Describe() string { return summarizePaths(l.StorePaths()) }

// compressed reports whether the layer's blob is compressed and must be
// decompressed to check its diff_id.
func (l Layer) compressed() bool {
	return l.Digest != l.DiffID
}
