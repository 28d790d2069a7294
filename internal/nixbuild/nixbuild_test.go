package nixbuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const drvJSON = `[{"drvPath":"/nix/store/aaa-image-nanna-coder-ollama.json.drv","outputs":{"out":"/nix/store/bbb-image-nanna-coder-ollama.json"}}]`

// exitErr returns a real *exec.ExitError with the given status.
func exitErr(t *testing.T, status int) error {
	t.Helper()
	err := exec.Command("/bin/sh", "-c", fmt.Sprintf("exit %d", status)).Run()
	if err == nil {
		t.Fatalf("sh exit %d succeeded", status)
	}
	return err
}

func TestBuildArgs(t *testing.T) {
	f := &fakeNix{stdout: drvJSON}
	got, err := Build(context.Background(), "path:/src#ollamaImage", f.options())
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	want := Result{
		Installable: "path:/src#ollamaImage",
		Path:        "/nix/store/bbb-image-nanna-coder-ollama.json",
		DrvPath:     "/nix/store/aaa-image-nanna-coder-ollama.json.drv",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Build() result (-want +got):\n%s", diff)
	}
	wantCalls := [][]string{{
		"--extra-experimental-features", "nix-command flakes",
		"build", "path:/src#ollamaImage", "--no-link", "--json", "--print-build-logs",
	}}
	if diff := cmp.Diff(wantCalls, f.calls); diff != "" {
		t.Errorf("nix calls (-want +got):\n%s", diff)
	}
}

func TestBuildOutputErrors(t *testing.T) {
	tests := []struct {
		name   string
		stdout string
		want   string
	}{
		{"not json", "building…", `building x: nix build --json printed "building…", not a list of built derivations: not valid JSON (line 1, column 1): invalid character 'b' looking for beginning of value`},
		{"no derivations", "[]", "building x: nix build reported 0 derivations, want 1"},
		{"two derivations", `[{"drvPath":"/a.drv","outputs":{"out":"/a"}},{"drvPath":"/b.drv","outputs":{"out":"/b"}}]`, "building x: nix build reported 2 derivations, want 1"},
		{"no out", `[{"drvPath":"/a.drv","outputs":{"bin":"/a-bin"}}]`, `building x: derivation /a.drv has no "out" output`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeNix{stdout: tt.stdout}
			_, err := Build(context.Background(), "x", f.options())
			if err == nil || err.Error() != tt.want {
				t.Errorf("Build() = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestBuildFailures(t *testing.T) {
	var long strings.Builder
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&long, "broken> line %d\n", i)
	}
	long.WriteString("error: builder for '/nix/store/x-broken.drv' failed with exit code 1\n")
	var wantTail []string
	for i := 12; i <= 40; i++ {
		wantTail = append(wantTail, fmt.Sprintf("broken> line %d", i))
	}
	wantTail = append(wantTail, "error: builder for '/nix/store/x-broken.drv' failed with exit code 1")

	tests := []struct {
		name   string
		stderr string
		err    error
		want   string
		is     error
	}{{
		name:   "stderr tail",
		stderr: long.String(),
		err:    exitErr(t, 1),
		want:   "building path:/f#broken: exit status 1\n" + strings.Join(wantTail, "\n"),
	}, {
		name: "no stderr",
		err:  exitErr(t, 2),
		want: "building path:/f#broken: exit status 2",
	}, {
		name:   "flakes disabled",
		stderr: "error: experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override\n",
		err:    exitErr(t, 1),
		want: `building path:/f#broken: nix experimental features are disabled: add "experimental-features = nix-command flakes" to /etc/nix/nix.conf or to the NIX_CONFIG environment variable` +
			"\nerror: experimental Nix feature 'flakes' is disabled; use '--extra-experimental-features flakes' to override",
		is: ErrFeaturesDisabled,
	}, {
		name:   "nix-command disabled",
		stderr: "error: experimental Nix feature 'nix-command' is disabled; add '--extra-experimental-features nix-command' to enable it\n",
		err:    exitErr(t, 1),
		want: `building path:/f#broken: nix experimental features are disabled: add "experimental-features = nix-command flakes" to /etc/nix/nix.conf or to the NIX_CONFIG environment variable` +
			"\nerror: experimental Nix feature 'nix-command' is disabled; add '--extra-experimental-features nix-command' to enable it",
		is: ErrFeaturesDisabled,
	}, {
		name:   "nix 2.3",
		stderr: "error: unrecognised flag '--extra-experimental-features'\nTry 'nix --help' for more information.\n",
		err:    exitErr(t, 1),
		want:   "building path:/f#broken: nix is too old: Nix 2.4 or newer is required\nerror: unrecognised flag '--extra-experimental-features'\nTry 'nix --help' for more information.",
		is:     ErrNixTooOld,
	}, {
		name: "nix missing",
		err:  fmt.Errorf("%w (exec: \"nix\": executable file not found in $PATH)", ErrNixNotFound),
		want: "building path:/f#broken: nix not found on PATH: install Nix (https://nixos.org/download) or Debian's nix-bin (exec: \"nix\": executable file not found in $PATH)",
		is:   ErrNixNotFound,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeNix{stderr: tt.stderr, err: tt.err}
			_, err := Build(context.Background(), "path:/f#broken", f.options())
			if err == nil {
				t.Fatal("Build() succeeded, want an error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Build() error (-want +got):\n%s", diff)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestBuildCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &fakeNix{stderr: "building '/nix/store/x.drv'...\n", err: errors.New("signal: interrupt")}
	_, err := Build(ctx, "x", f.options())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Build() = %v, want context.Canceled", err)
	}
}

func TestBuildLog(t *testing.T) {
	var log bytes.Buffer
	f := &fakeNix{stdout: drvJSON, stderr: "building '/nix/store/aaa.drv'...\n"}
	opts := f.options()
	opts.Log = &log
	if _, err := Build(context.Background(), "x", opts); err != nil {
		t.Fatalf("Build() = %v", err)
	}
	if got, want := log.String(), f.stderr; got != want {
		t.Errorf("Log got %q, want %q", got, want)
	}
}

func TestEvalImageRef(t *testing.T) {
	tests := []struct {
		name   string
		stdout string
		want   ImageRef
		err    string
	}{
		{"image", `{"name":"nanna-coder-ollama","tag":"latest"}`, ImageRef{Name: "nanna-coder-ollama", Tag: "latest"}, ""},
		{"plain derivation", `{"name":null,"tag":null}`, ImageRef{}, "evaluating .#harness: not a nix2container buildImage (no imageName/imageTag attributes)"},
		{"no tag", `{"name":"x","tag":null}`, ImageRef{}, "evaluating .#harness: not a nix2container buildImage (no imageName/imageTag attributes)"},
		{"not json", `<LAMBDA>`, ImageRef{}, `evaluating .#harness: nix eval --json printed "<LAMBDA>", not a name and a tag: not valid JSON (line 1, column 1): invalid character '<' looking for beginning of value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeNix{stdout: tt.stdout}
			got, err := EvalImageRef(context.Background(), ".#harness", f.options())
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("EvalImageRef() = %v, want %s", err, tt.err)
				}
				if strings.Contains(tt.err, "buildImage") && !errors.Is(err, ErrNotImage) {
					t.Errorf("errors.Is(%v, ErrNotImage) = false", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("EvalImageRef() = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EvalImageRef() (-want +got):\n%s", diff)
			}
			wantCalls := [][]string{{
				"--extra-experimental-features", "nix-command flakes",
				"eval", "--json", ".#harness", "--apply", "i: { name = i.imageName or null; tag = i.imageTag or null; }",
			}}
			if diff := cmp.Diff(wantCalls, f.calls); diff != "" {
				t.Errorf("nix calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvalImageRefFailure(t *testing.T) {
	f := &fakeNix{stderr: "error: flake 'path:/f' does not provide attribute 'packages.x86_64-linux.nope', 'legacyPackages.x86_64-linux.nope' or 'nope'\n", err: exitErr(t, 1)}
	_, err := EvalImageRef(context.Background(), "path:/f#nope", f.options())
	want := "evaluating path:/f#nope: exit status 1\nerror: flake 'path:/f' does not provide attribute 'packages.x86_64-linux.nope', 'legacyPackages.x86_64-linux.nope' or 'nope'"
	if err == nil || err.Error() != want {
		t.Errorf("EvalImageRef() = %v, want %s", err, want)
	}
}

func TestImageRefString(t *testing.T) {
	if got, want := (ImageRef{Name: "nanna-coder-ollama", Tag: "latest"}).String(), "nanna-coder-ollama:latest"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestEvalFile(t *testing.T) {
	tests := []struct {
		name   string
		stdout string
		stderr string
		err    error
		want   string
		errMsg string
	}{
		{name: "ok", stdout: `{"registry":{"url":"ghcr.io"}}`, want: `{"registry":{"url":"ghcr.io"}}`},
		{name: "not json", stdout: "«lambda»", errMsg: `evaluating nix/container-config.nix: nix eval printed invalid JSON "«lambda»"`},
		{
			name:   "eval error",
			stderr: "error: cannot convert a function to JSON\n",
			err:    exitErr(t, 1),
			errMsg: "evaluating nix/container-config.nix: exit status 1\nerror: cannot convert a function to JSON",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeNix{stdout: tt.stdout, stderr: tt.stderr, err: tt.err}
			got, err := EvalFile(context.Background(), "nix/container-config.nix", f.options())
			if tt.errMsg != "" {
				if err == nil || err.Error() != tt.errMsg {
					t.Fatalf("EvalFile() = %v, want %s", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("EvalFile() = %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("EvalFile() = %s, want %s", got, tt.want)
			}
			wantCalls := [][]string{{
				"--extra-experimental-features", "nix-command flakes",
				"eval", "--impure", "--json", "--file", "nix/container-config.nix",
			}}
			if diff := cmp.Diff(wantCalls, f.calls); diff != "" {
				t.Errorf("nix calls (-want +got):\n%s", diff)
			}
		})
	}
}
