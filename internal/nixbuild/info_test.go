package nixbuild

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVersionAndSystem(t *testing.T) {
	nix := newFakeNixStore(t)
	if v, err := Version(context.Background(), nix.options()); err != nil || v != "nix (Nix) 2.8.0" {
		t.Errorf("Version() = %q, %v, want %q", v, err, "nix (Nix) 2.8.0")
	}
	if s, err := System(context.Background(), nix.options()); err != nil || s != "x86_64-linux" {
		t.Errorf("System() = %q, %v, want x86_64-linux", s, err)
	}
	want := [][]string{
		{"--extra-experimental-features", "nix-command flakes", "--version"},
		{"--extra-experimental-features", "nix-command flakes", "eval", "--impure", "--raw", "--expr", "builtins.currentSystem"},
	}
	if diff := cmp.Diff(want, nix.calls); diff != "" {
		t.Errorf("nix arguments (-want +got):\n%s", diff)
	}
}

func TestVersionErrors(t *testing.T) {
	tooOld := &fakeNix{stderr: "error: unrecognised flag '--extra-experimental-features'\n", err: exitErr(t, 1)}
	if _, err := Version(context.Background(), tooOld.options()); !errors.Is(err, ErrNixTooOld) {
		t.Errorf("Version() on Nix 2.3 = %v, want ErrNixTooOld", err)
	}
	silent := &fakeNix{}
	if _, err := Version(context.Background(), silent.options()); err == nil {
		t.Error("Version() with no output succeeded")
	}
	if _, err := System(context.Background(), silent.options()); err == nil {
		t.Error("System() with no output succeeded")
	}
}

func TestValid(t *testing.T) {
	const there, gone = "/nix/store/aaa-image.json", "/nix/store/bbb-image.json"
	for _, newJSON := range []bool{false, true} {
		nix := newFakeNixStore(t)
		nix.newJSON = newJSON
		nix.valid[there] = true
		if err := Valid(context.Background(), there, nix.options()); err != nil {
			t.Errorf("Valid(%s) = %v (new JSON %t)", there, err, newJSON)
		}
		err := Valid(context.Background(), gone, nix.options())
		if !errors.Is(err, ErrGone) || err.Error() != "store path "+gone+" is gone (garbage-collected?)" {
			t.Errorf("Valid(%s) = %v (new JSON %t), want it gone", gone, err, newJSON)
		}
		for _, c := range nix.calls {
			if diff := cmp.Diff([]string{"path-info", "--offline", "--json"}, c[2:5]); diff != "" {
				t.Errorf("nix path-info arguments (-want +got):\n%s", diff)
			}
		}
	}
	notInStore := &fakeNix{stderr: "error: path '/tmp/x' is not in the Nix store\n", err: exitErr(t, 1)}
	if err := Valid(context.Background(), "/tmp/x", notInStore.options()); err == nil || !strings.Contains(err.Error(), "is not in the Nix store") || errors.Is(err, ErrGone) {
		t.Errorf("Valid(/tmp/x) = %v, want nix's error", err)
	}
	garbled := &fakeNix{stdout: "not json"}
	if err := Valid(context.Background(), there, garbled.options()); err == nil {
		t.Error("Valid() with garbled output succeeded")
	}
}
