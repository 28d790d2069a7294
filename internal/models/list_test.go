package models

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestStatus(t *testing.T) {
	tests := map[string]Status{
		Placeholder: NotPinned,
		"":          NotPinned,
		"sha256-0000000000000000000000000000000000000000000=":         NotPinned,
		"sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=":         Pinned,
		"sha256:01vdims60773c8jygr4s02cvddizaxwsnm4zpz76gh3ml46cj34g": Pinned,
		"sha256-tooshort":              InvalidHash,
		"md5-1B2M2Y8AsgTpgAmY7PhCfg==": InvalidHash,
	}
	for hash, want := range tests {
		if got := (Model{Hash: hash}).Status(); got != want {
			t.Errorf("Model{Hash: %q}.Status() = %q, want %q", hash, got, want)
		}
	}
}

func TestList(t *testing.T) {
	e := newEnv(t)
	if err := List(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	want := `MODEL  NAME         SIZE   STATUS       HASH
other  other:1b     1GB    pinned       sha256-2EaXyBr1C+6wNyLzcWblzB52iV/2G26dSa5MFqpYJLc=
tiny   tiny:latest  300kB  placeholder  sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
`
	if e.out.String() != want {
		t.Errorf("List printed:\n%s\nwant:\n%s", e.out.String(), want)
	}
}

func TestCheck(t *testing.T) {
	e := newEnv(t)
	if err := Check(context.Background(), false, e.opts); err != nil {
		t.Errorf("Check(not strict) = %v, want success with a warning", err)
	}
	if want := "warning: tiny (tiny:latest) is not pinned (placeholder hash); pin it with: go tool mage models:pin tiny\n1 of 2 models pinned\n"; e.out.String() != want {
		t.Errorf("Check printed %q, want %q", e.out.String(), want)
	}
	err := Check(context.Background(), true, e.opts)
	if !errors.Is(err, ErrNotPinned) {
		t.Errorf("Check(strict) = %v, want ErrNotPinned", err)
	}
	oneLine(t, "Check(strict)", err, "1 of 2 models are not pinned: tiny")

	if _, err := Pin(context.Background(), "tiny", e.opts); err != nil {
		t.Fatal(err)
	}
	e.out.Reset()
	if err := Check(context.Background(), true, e.opts); err != nil || e.out.String() != "2 of 2 models pinned\n" {
		t.Errorf("Check(strict) after pinning = %v, %q", err, e.out.String())
	}

	os.WriteFile(e.file, bytes.Replace(readFile(t, e.file), []byte("sha256-2EaX"), []byte("sha256-"), 1), 0o644)
	oneLine(t, "Check(invalid hash)", Check(context.Background(), false, e.opts), "invalid hash for other")
}

func TestVerify(t *testing.T) {
	e := newEnv(t)
	err := Verify(context.Background(), "tiny", e.opts)
	if !errors.Is(err, ErrNotPinned) {
		t.Errorf("Verify(placeholder) = %v, want ErrNotPinned", err)
	}
	if _, err := Pin(context.Background(), "tiny", e.opts); err != nil {
		t.Fatal(err)
	}
	e.out.Reset()
	if err := Verify(context.Background(), "tiny", e.opts); err != nil || !strings.Contains(e.out.String(), "tiny (tiny:latest): OK, "+treeHash(t, e.model)) {
		t.Errorf("Verify = %v, %q", err, e.out.String())
	}

	// The tag moves upstream: verify reports it, and the file stays.
	e.src = readFile(t, e.file)
	e.fake.Add("library/tiny", "latest", e.model2())
	err = Verify(context.Background(), "tiny", e.opts)
	if !errors.Is(err, ErrMismatch) {
		t.Errorf("Verify(re-pushed tag) = %v, want ErrMismatch", err)
	}
	oneLine(t, "Verify(re-pushed tag)", err, "pin it again with: go tool mage models:pin tiny")
	e.unchanged(t)

	oneLine(t, "Verify(unknown)", Verify(context.Background(), "nope", e.opts), `unknown model "nope"`)
}
