package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/nanna-coder/build/internal/nix2container"
)

// spec describes the generated image.
type spec struct {
	Layers        int   // number of layers
	FilesPerLayer int   // files in each layer's store path
	FileSize      int64 // bytes per file
}

// mib is the image's size in MiB.
func (s spec) mib() float64 {
	return float64(int64(s.Layers)*int64(s.FilesPerLayer)*s.FileSize) / (1 << 20)
}

// genTree writes one layer's files under dir, deterministically from seed,
// as incompressible data (model weights and binaries do not compress well).
func genTree(dir string, seed uint64, s spec) error {
	if err := os.MkdirAll(filepath.Join(dir, "share"), 0o755); err != nil {
		return err
	}
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 'n', 'a', 'n', 'n', 'a'})
	for f := range s.FilesPerLayer {
		out, err := os.Create(filepath.Join(dir, "share", fmt.Sprintf("blob-%02d", f)))
		if err != nil {
			return err
		}
		_, err = io.CopyN(out, rng, s.FileSize)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("generating %s: %w", dir, err)
		}
	}
	return nil
}

// addToStore runs nix-store --add and returns the store path.
func addToStore(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "nix-store", "--add", dir).Output()
	if err != nil {
		return "", fmt.Errorf("nix-store --add %s: %w%s", dir, err, stderrOf(err))
	}
	return strings.TrimSpace(string(out)), nil
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return "\n" + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// genImage makes the store paths of an image (layer i from seeds[i]) and
// writes its JSON to path.
func genImage(ctx context.Context, work, path string, seeds []uint64, s spec) (*nix2container.Image, error) {
	created := time.Date(2025, 9, 20, 0, 0, 0, 0, time.UTC)
	img := &nix2container.Image{Version: nix2container.Version, Arch: "amd64", Created: &created}
	img.Config.Cmd = []string{"/bin/true"}
	for i, seed := range seeds {
		name := fmt.Sprintf("bench-%d", seed)
		if s.FileSize != 5<<20 { // the default size keeps its older name
			name += fmt.Sprintf("-%d", s.FileSize)
		}
		dir := filepath.Join(work, "trees", name)
		if _, err := os.Stat(dir); err != nil {
			if err := genTree(dir, seed, s); err != nil {
				return nil, err
			}
		}
		sp, err := addToStore(ctx, dir)
		if err != nil {
			return nil, err
		}
		l, err := nix2container.NewLayer(ctx, []nix2container.Path{{Path: sp}}, nix2container.Store{})
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		img.Layers = append(img.Layers, l)
	}
	data, err := img.MarshalJSON()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return nil, err
	}
	return img, nil
}
