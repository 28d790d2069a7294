package models

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPinThroughSymlink: a models file that is a symlink (as when
// nix/models.nix links to a shared checkout) is edited where it points;
// the link stays a link.
func TestPinThroughSymlink(t *testing.T) {
	tests := []struct {
		name string
		link func(target string) string // what the link holds
	}{
		{"relative link", func(string) string { return filepath.Join("..", "real", "models.nix") }},
		{"absolute link", func(target string) string { return target }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			base := filepath.Dir(e.file)
			target := filepath.Join(base, "real", "models.nix")
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(e.file, target); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(base, "nix", "models.nix")
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tt.link(target), link); err != nil {
				t.Fatal(err)
			}
			e.opts.File = link
			res, err := Pin(context.Background(), "tiny", e.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := os.Readlink(link); err != nil || got != tt.link(target) {
				t.Errorf("after Pin, %s links to %q (%v), want %q", link, got, err, tt.link(target))
			}
			want := bytes.Replace(e.src, []byte(Placeholder), []byte(res.New), 1)
			if got := readFile(t, target); !bytes.Equal(got, want) {
				t.Errorf("link target after Pin:\n%s\nwant:\n%s", got, want)
			}
			if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o640 {
				t.Errorf("mode of the link target after Pin = %v, %v; want 0640", fi.Mode().Perm(), err)
			}
			noTemp(t, filepath.Dir(link), filepath.Dir(target))
		})
	}
}

// TestPinConcurrentEdit: an edit of the models file while Pin evaluates
// the new one is kept, and Pin fails saying to run it again.
func TestPinConcurrentEdit(t *testing.T) {
	e := newEnv(t)
	edited := append(bytes.Clone(e.src), "# edited meanwhile\n"...)
	evals := 0
	eval := e.opts.eval
	e.opts.eval = func(ctx context.Context, file string) ([]byte, error) {
		evals++
		if evals == 2 { // the new file, before it replaces the old one
			if err := os.WriteFile(e.file, edited, 0o640); err != nil {
				t.Error(err)
			}
		}
		return eval(ctx, file)
	}
	_, err := Pin(context.Background(), "tiny", e.opts)
	oneLine(t, "Pin(file edited meanwhile)", err, e.file+" changed while the model was pinned (edited meanwhile?), so it was left as it is: run go tool mage models:pin tiny again")
	if evals != 2 {
		t.Errorf("Pin evaluated %d files, want 2 (the old and the new)", evals)
	}
	e.src = edited
	e.unchanged(t)
}

// noTemp fails the test if a temporary file is left in one of dirs.
func noTemp(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		entries, _ := os.ReadDir(d)
		for _, en := range entries {
			if strings.Contains(en.Name(), ".tmp-") {
				t.Errorf("temporary file %s left behind in %s", en.Name(), d)
			}
		}
	}
}
