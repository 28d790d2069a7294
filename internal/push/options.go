package push

import (
	"context"
	"io"
	"net"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/nix2container"
)

// Options control one push. The zero value pushes uncompressed layers
// once, with the Docker keychain, printing nothing.
type Options struct {
	// Gzip compresses the nix-built layers on the fly (see oci.Options).
	// Uncompressed layers, the default, have blob digest = diff_id = the
	// JSON's digest, so a registry that holds them is never sent them
	// again, whoever pushed them. Gzip blobs are skipped only when the
	// registry holds the very same gzip bytes (an earlier Gzip push).
	Gzip bool
	// Insecure allows plain HTTP to registries that are not on this
	// machine (such as registry.lan:5000); HTTPS is still tried first and
	// its certificates are still checked. Registries on localhost,
	// 127.0.0.0/8 or [::1] may always use plain HTTP.
	Insecure bool
	// Keychain resolves credentials per registry; nil means the Docker
	// keychain (~/.docker/config.json or $DOCKER_CONFIG, with credential
	// helpers), then $GITHUB_TOKEN for ghcr.io.
	Keychain authn.Keychain
	// Attempts is how often a push that failed transiently (connection
	// refused or reset, HTTP 408, 429, 5xx, a request the registry left
	// unanswered for RequestTimeout) is tried in all; < 1 means 1. Each
	// attempt asks the registry again which blobs it has, so blobs that
	// made it are not sent again. A digest mismatch, a refusal (401, 403,
	// 400) or the overall Timeout is never retried.
	Attempts int
	// RetryDelay is the pause between attempts.
	RetryDelay time.Duration
	// Timeout bounds the whole push, retries included; 0 means none.
	Timeout time.Duration
	// RequestTimeout bounds how long the registry may leave one request
	// unanswered once it is sent, or stop reading an upload; such a
	// request fails as stalled (ErrStalled) and the push is retried. 0
	// means DefaultRequestTimeout; it is never longer than Timeout.
	RequestTimeout time.Duration
	// Jobs is how many blobs are uploaded at once; < 1 means 4.
	Jobs int
	// Log receives the summary line, and per-layer lines when Verbose.
	// nil means io.Discard.
	Log io.Writer
	// Verbose adds a line per layer (sent or already in the registry).
	Verbose bool
	// Progress draws a progress bar on Log for pushes over 32 MiB; set it
	// only when Log is a terminal.
	Progress bool
	// Store says where store paths are read from (tests read a copy). Its
	// Rules are replaced by those the JSON was written with
	// (nix2container.Image.Rules).
	Store nix2container.Store

	// sleep waits between attempts; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// dial opens the connections to registries; tests redirect it.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// DefaultRequestTimeout is the RequestTimeout of the zero Options: long
// enough for a registry to verify and store a large blob when it is
// committed.
const DefaultRequestTimeout = 2 * time.Minute

// Result describes a finished push.
type Result struct {
	// Refs are the tags pushed.
	Refs []string
	// Digest is the manifest digest (the index digest for Index): what
	// `docker pull REF@DIGEST` takes.
	Digest digest.Digest
	// Config is the config digest, nix2container's image ID; empty for
	// an index.
	Config digest.Digest
	// Platforms lists an index's images, in index order.
	Platforms []Platform
	// Blobs are the distinct layer blobs, in manifest order (an index's
	// images one after the other).
	Blobs []Blob
	// ConfigsSent counts the config blobs uploaded.
	ConfigsSent int
	// Legacy names the older nix2container whose tar rules the image
	// needed, "" for the current rules (for an index, see Platforms).
	Legacy string
	// Attempts is how many times the push was tried.
	Attempts int
	// Elapsed is the push's duration.
	Elapsed time.Duration
}

// Platform is one image of an index.
type Platform struct {
	// Platform is linux/ARCH[/VARIANT].
	Platform string
	// Digest is the image's manifest digest; Config its config digest.
	Digest, Config digest.Digest
	// Legacy names the older nix2container whose tar rules the image
	// needed, "" for the current rules.
	Legacy string
}

// Blob is one distinct layer blob of a push.
type Blob struct {
	// Digest and Size describe the blob as pushed.
	Digest digest.Digest
	Size   int64
	// Sent is true when it was uploaded, false when the registry had it.
	Sent bool
	// What names the layer's store paths, for messages.
	What string
}

// Sent returns how many layer blobs were uploaded and their bytes.
func (r Result) Sent() (n int, bytes int64) {
	for _, b := range r.Blobs {
		if b.Sent {
			n++
			bytes += b.Size
		}
	}
	return n, bytes
}
