package nixbuild

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Store paths Nix 2.8 gave inputs with these narHashes (nix flake archive
// --dry-run --json).
const (
	zeroHash       = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	zeroSource     = "/nix/store/bqfq4db6nwycmkdrql9igsbrayqsw3g2-source"
	emptyHash      = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
	emptyHashStore = "/nix/store/f6jkrn77ysv9dhs8hh6s2faflhjc930i-source"
)

func TestSourcePath(t *testing.T) {
	for hash, want := range map[string]string{zeroHash: zeroSource, emptyHash: emptyHashStore} {
		if got, err := sourcePath(hash); err != nil || got != want {
			t.Errorf("sourcePath(%s) = %s, %v, want %s", hash, got, err, want)
		}
	}
	if _, err := sourcePath("md5-1B2M2Y8AsgTpgAmY7PhCfg=="); err == nil {
		t.Error("sourcePath(an md5) succeeded")
	}
}

// lockJSON is a flake.lock pinning nixpkgs (zeroHash) and, following
// nothing, utils (emptyHash).
const lockJSON = `{"nodes":{
 "nixpkgs":{"locked":{"narHash":"` + zeroHash + `","owner":"NixOS","repo":"nixpkgs","rev":"0","type":"github"},"original":{"id":"nixpkgs","type":"indirect"}},
 "utils":{"flake":false,"locked":{"narHash":"` + emptyHash + `","type":"github"}},
 "root":{"inputs":{"nixpkgs":"nixpkgs","utils":"utils","other":["nixpkgs"]}}},
 "root":"root","version":7}`

func TestUnfetchable(t *testing.T) {
	tests := []struct {
		name   string
		inputs string // "" : flake.nix does not evaluate
		lock   string // "" : no flake.lock
		valid  []string
		want   string // "" : fetchable
	}{
		{name: "no inputs", inputs: `[]`, want: ""},
		{name: "no inputs, stale lock", inputs: `[]`, lock: lockJSON, want: ""},
		{name: "flake.nix does not evaluate", inputs: "", want: "flake.nix does not evaluate, so its inputs are unknown"},
		{name: "no lock", inputs: `["nixpkgs","utils"]`, want: "there is no flake.lock to pin nixpkgs, utils; run nix flake lock with network access and commit flake.lock"},
		{name: "an input not pinned", inputs: `["nixpkgs","new"]`, lock: lockJSON, want: "flake.lock does not pin new; run nix flake lock with network access and commit flake.lock"},
		{name: "none in the store", inputs: `["nixpkgs","utils"]`, lock: lockJSON, want: "nixpkgs, utils are not in the Nix store; nix flake archive fetches them"},
		{name: "one not in the store", inputs: `["nixpkgs","utils"]`, lock: lockJSON, valid: []string{emptyHashStore}, want: "nixpkgs is not in the Nix store; nix flake archive fetches them"},
		{name: "all in the store", inputs: `["nixpkgs","utils","other"]`, lock: lockJSON, valid: []string{zeroSource, emptyHashStore}, want: ""},
		{name: "not JSON", inputs: `["nixpkgs"]`, lock: `{"nodes":`, want: "flake.lock is not a lock file: "},
		{name: "old version", inputs: `["nixpkgs"]`, lock: `{"version":4,"root":"root","nodes":{"root":{}}}`, want: "flake.lock has version 4, and only versions 5 to 7 are understood here"},
		{name: "no hash", inputs: `["a"]`, lock: `{"version":7,"root":"root","nodes":{"root":{"inputs":{"a":"a"}},"a":{"locked":{"type":"path","path":"/x"}}}}`, want: "flake.lock has no narHash for input a; run nix flake lock with network access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.lock != "" {
				writeFiles(t, dir, map[string]string{"flake.lock": tt.lock})
			}
			nix := newFakeNixStore(t)
			nix.inputs = tt.inputs
			for _, p := range tt.valid {
				nix.valid[p] = true
			}
			got, err := unfetchable(context.Background(), dir, nix.options())
			if err != nil {
				t.Fatalf("unfetchable() error = %v", err)
			}
			if got != tt.want && (tt.want == "" || !strings.HasPrefix(got, tt.want)) {
				t.Errorf("unfetchable() = %q, want %q", got, tt.want)
			}
			for _, c := range nix.calls {
				if c[2] == "eval" || c[2] == "path-info" {
					if c[3] != "--offline" {
						t.Errorf("nix %s without --offline: %q", c[2], c)
					}
				}
			}
		})
	}
}

func TestUnfetchableFailsWithoutNix(t *testing.T) {
	noNix := Options{}.withRunner(func(context.Context, []string, io.Writer) ([]byte, []byte, error) {
		return nil, nil, ErrNixNotFound
	})
	if _, err := unfetchable(context.Background(), t.TempDir(), noNix); !errors.Is(err, ErrNixNotFound) {
		t.Errorf("unfetchable() without nix = %v, want ErrNixNotFound", err)
	}
}

func TestNixString(t *testing.T) {
	for in, want := range map[string]string{
		"/src/flake.nix":       `"/src/flake.nix"`,
		`/a "b"/c\d`:           `"/a \"b\"/c\\d"`,
		"/x/${builtins}/$HOME": `"/x/\${builtins}/\$HOME"`,
	} {
		if got := nixString(in); got != want {
			t.Errorf("nixString(%q) = %s, want %s", in, got, want)
		}
		if back := unquoteNix(nixString(in)); back != in {
			t.Errorf("unquoteNix(nixString(%q)) = %q", in, back)
		}
	}
}

// writeFiles writes each file (a path relative to dir) with its contents.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
