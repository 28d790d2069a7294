package models

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nanna-coder/build/internal/nixbuild"
	"github.com/nanna-coder/build/internal/ollama"
)

func TestPin(t *testing.T) {
	e := newEnv(t)
	want := treeHash(t, e.model)
	res, err := Pin(context.Background(), "tiny", e.opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != want || res.Old != Placeholder || !res.Written || res.Size != e.model.Size() {
		t.Errorf("Pin = %+v, want New %s", res, want)
	}
	wantSrc := bytes.Replace(e.src, []byte(Placeholder), []byte(want), 1)
	if got := readFile(t, e.file); !bytes.Equal(got, wantSrc) {
		t.Errorf("models file after Pin:\n%s\nwant:\n%s", got, wantSrc)
	}
	if fi, _ := os.Stat(e.file); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode after Pin = %v, want 0640", fi.Mode().Perm())
	}
	for _, s := range []string{"tiny (tiny:latest)", "manifest:  sha256:", Placeholder + " → " + want, "line 9 updated", "300.4 kB (300354 bytes; " + e.file + " says 300kB)"} {
		if !strings.Contains(e.out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, e.out.String())
		}
	}

	// Again: nothing downloaded, nothing written.
	e.src = readFile(t, e.file)
	before := len(e.fake.Requests())
	e.out.Reset()
	res, err = Pin(context.Background(), "tiny", e.opts)
	if err != nil || res.Written || !strings.Contains(e.out.String(), "already pinned") {
		t.Errorf("second Pin = %+v, %v:\n%s", res, err, e.out.String())
	}
	if n := len(e.fake.Requests()) - before; n != 1 {
		t.Errorf("second Pin sent %d requests, want 1 (the manifest)", n)
	}
	e.unchanged(t)
}

func TestPinDryRun(t *testing.T) {
	e := newEnv(t)
	e.opts.DryRun = true
	res, err := Pin(context.Background(), "tiny", e.opts)
	if err != nil {
		t.Fatal(err)
	}
	e.unchanged(t)
	want := "@@ -9 +9 @@\n-    hash = \"" + Placeholder + "\";\n+    hash = \"" + res.New + "\";\n"
	if res.Written || !strings.Contains(e.out.String(), want) || !strings.Contains(e.out.String(), "dry run") {
		t.Errorf("dry run output:\n%s\nwant it to contain:\n%s", e.out.String(), want)
	}
}

// TestPinFrom pins from an Ollama models directory that holds another
// model and a partial download too: no request reaches the registry.
func TestPinFrom(t *testing.T) {
	e := newEnv(t)
	from := t.TempDir()
	dir := ollama.ModelsDir{Path: from}
	name, _ := ollama.ParseName("tiny:latest")
	if _, err := dir.Pull(context.Background(), ollama.NewClient(e.fake.URL), name, ollama.PullOptions{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(from, "blobs", "sha256-"+strings.Repeat("1", 64)), []byte("another model's blob"), 0o644)
	os.WriteFile(filepath.Join(from, "blobs", "sha256-"+strings.Repeat("2", 64)+"-partial"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(from, "manifests/registry.ollama.ai/library/other"), 0o755)
	os.WriteFile(filepath.Join(from, "manifests/registry.ollama.ai/library/other/1b"), []byte("{}"), 0o644)
	before := len(e.fake.Requests())
	e.opts.From = from
	e.opts.Registry = "http://127.0.0.1:1" // nothing listens
	res, err := Pin(context.Background(), "tiny", e.opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != treeHash(t, e.model) || len(e.fake.Requests()) != before {
		t.Errorf("Pin -from = %s with %d requests, want %s and none", res.New, len(e.fake.Requests())-before, treeHash(t, e.model))
	}
	if _, err := os.Stat(e.opts.Cache); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Pin -from created the cache: %v", err)
	}

	// A derivation output (the models directory in models/) works too.
	out := t.TempDir()
	if err := os.Symlink(from, filepath.Join(out, TreeDir)); err != nil {
		t.Fatal(err)
	}
	e.opts.From = out
	e.src = readFile(t, e.file)
	if res2, err := Pin(context.Background(), "tiny", e.opts); err != nil || res2.New != res.New || res2.Written {
		t.Errorf("Pin -from=<output dir> = %+v, %v; want %s, already pinned", res2, err, res.New)
	}
	e.opts.From = from

	// A damaged model in the directory is reported, and left alone.
	weights := dir.BlobPath(ollama.Layer{Digest: e.model.Layers[0].Digest()})
	data := readFile(t, weights)
	data[0] ^= 1
	os.WriteFile(weights, data, 0o644)
	e.src = readFile(t, e.file)
	_, err = Pin(context.Background(), "other", e.opts)
	oneLine(t, "Pin(other -from, a broken manifest)", err, "parsing manifest: schemaVersion 0, want 2")
	e.opts.File = filepath.Join(t.TempDir(), "m.nix")
	os.WriteFile(e.opts.File, readFile(t, "testdata/tiny.nix"), 0o644)
	_, err = Pin(context.Background(), "tiny", e.opts)
	oneLine(t, "Pin(-from damaged)", err, "do not match the digest")
	if _, serr := os.Stat(weights); serr != nil {
		t.Errorf("Pin -from removed the damaged blob: %v", serr)
	}
}

func TestPinBadInputs(t *testing.T) {
	e := newEnv(t)
	_, err := Pin(context.Background(), "llama9", e.opts)
	oneLine(t, "Pin(unknown)", err, `pinning llama9: unknown model "llama9": `+e.file+` has other, tiny`)
	e.unchanged(t)

	e.fake.Add("library/other", "2b", e.model) // other:1b stays unknown to the registry
	_, err = Pin(context.Background(), "other", e.opts)
	oneLine(t, "Pin(tag not in registry)", err, "fetching manifest of other:1b from "+e.fake.URL+": not found (HTTP 404)")
	if !errors.Is(err, ollama.ErrNotFound) {
		t.Errorf("Pin(404) = %v, want ErrNotFound", err)
	}
	e.unchanged(t)
	if _, err := os.Stat(e.opts.Cache); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cache created by a failed pin: %v", err)
	}

	var de *ollama.DigestError
	e.fake.Corrupt(e.model.Layers[0].Digest())
	_, err = Pin(context.Background(), "tiny", e.opts)
	oneLine(t, "Pin(corrupt blob)", err, "do not match the digest")
	if !errors.As(err, &de) {
		t.Errorf("Pin(corrupt blob) = %v, want a *DigestError", err)
	}
	e.unchanged(t)
	weights := filepath.Join(e.opts.Cache, "blobs", "sha256-"+strings.TrimPrefix(e.model.Layers[0].Digest(), "sha256:"))
	for _, p := range []string{weights, weights + "-partial", filepath.Join(e.opts.Cache, "manifests")} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s exists after a rejected blob: %v", p, err)
		}
	}
}

// TestPinResumes: a download cut short fails with a one-line error and
// the file untouched; the next pin resumes it.
func TestPinResumes(t *testing.T) {
	e := newEnv(t)
	weights := e.model.Layers[0].Digest()
	e.fake.CutAfter(weights, 200_000)
	e.opts.Pull.Attempts = 1
	_, err := Pin(context.Background(), "tiny", e.opts)
	oneLine(t, "Pin(interrupted)", err, "run again to resume")
	e.unchanged(t)
	res, err := Pin(context.Background(), "tiny", e.opts)
	if err != nil {
		t.Fatal(err)
	}
	resumed := false
	for _, r := range e.fake.Requests() {
		resumed = resumed || (strings.HasSuffix(r.Path, weights) && r.Range == "bytes=200000-")
	}
	if !resumed || res.New != treeHash(t, e.model) {
		t.Errorf("second Pin = %s, resumed %v; want %s after a range request", res.New, resumed, treeHash(t, e.model))
	}
}

// failFS makes the atomic write fail at one step.
type failFS struct {
	osFS
	createErr, renameErr error
}

func (f failFS) CreateTemp(dir, pattern string) (*os.File, error) {
	if f.createErr != nil {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: f.createErr}
	}
	return f.osFS.CreateTemp(dir, pattern)
}

func (f failFS) Rename(oldpath, newpath string) error {
	if f.renameErr != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: f.renameErr}
	}
	return f.osFS.Rename(oldpath, newpath)
}

func TestPinUnwritable(t *testing.T) {
	tests := []struct {
		name string
		fs   fileSystem
		eval nixbuild.Evaluator
		want string
	}{
		{"directory not writable", failFS{createErr: syscall.EACCES}, nil, "writing " + "%s" + ": open "},
		{"read-only file system", failFS{createErr: syscall.EROFS}, nil, "read-only file system"},
		{"rename fails", failFS{renameErr: syscall.EXDEV}, nil, "invalid cross-device link"},
		{"new file evaluates differently", nil, func(context.Context, string) ([]byte, error) {
			return []byte(`{"tiny":{"name":"tiny:latest","hash":"x"}}`), nil
		}, "checking the new file before replacing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.opts.fs = tt.fs
			if tt.eval != nil {
				first := true
				real := e.opts.eval
				e.opts.eval = func(ctx context.Context, file string) ([]byte, error) {
					if first {
						first = false
						return real(ctx, file)
					}
					return tt.eval(ctx, file)
				}
			}
			_, err := Pin(context.Background(), "tiny", e.opts)
			want := tt.want
			if strings.Contains(want, "%s") {
				want = strings.Replace(want, "%s", e.file, 1)
			}
			oneLine(t, "Pin", err, want)
			e.unchanged(t)
		})
	}

	// Without write permission on the file (not testable as root, whom
	// permissions do not stop), Pin refuses before downloading anything.
	if os.Geteuid() == 0 {
		t.Log("running as root: skipping the permission case; the failFS cases cover the write path")
		return
	}
	e := newEnv(t)
	os.Chmod(e.file, 0o444)
	_, err := Pin(context.Background(), "tiny", e.opts)
	oneLine(t, "Pin(read-only file)", err, "permission denied (nothing downloaded)")
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("Pin(read-only file) sent %d requests", n)
	}
	e.unchanged(t)
}

func TestPinFileWithoutBinding(t *testing.T) {
	e := newEnv(t)
	e.src = bytes.Replace(e.src, []byte(`hash = "sha256-AAAA`), []byte(`hash = fakeHash; x = "sha256-AAAA`), 1)
	os.WriteFile(e.file, e.src, 0o640)
	e.opts.eval = func(context.Context, string) ([]byte, error) {
		return []byte(`{"tiny":{"name":"tiny:latest","hash":"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}`), nil
	}
	_, err := Pin(context.Background(), "tiny", e.opts)
	oneLine(t, "Pin(hash not a literal)", err, "hash is not a plain string literal")
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("Pin sent %d requests before finding out it cannot edit the file", n)
	}
	e.unchanged(t)
}
