package nixbuild

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Nix 2.8's stderr for a syntax error, for an error without a place, and
// for a missing import (nix eval of builtins.typeOf (import FILE)).
const (
	syntaxStderr = "error: syntax error, unexpected ';'\n\n       at /src/nix/bad.nix:2:7:\n\n            1| { a = 1;\n            2|   b = ;\n             |       ^\n            3| }\n"
	throwStderr  = "error: boom\n(use '--show-trace' to show detailed location information)\n"
	importStderr = "error: getting status of '/src/nothere.nix': No such file or directory\n(use '--show-trace' to show detailed location information)\n"
)

func TestParseNixError(t *testing.T) {
	tests := []struct {
		name   string
		stderr string
		want   nixError
	}{
		{"syntax error", syntaxStderr, nixError{
			msg:    "syntax error, unexpected ';'",
			detail: []string{"       at /src/nix/bad.nix:2:7:", "", "            1| { a = 1;", "            2|   b = ;", "             |       ^", "            3| }"},
			file:   "/src/nix/bad.nix", line: 2,
		}},
		{"no place", throwStderr, nixError{msg: "boom"}},
		{"colours and a warning first", "warning: Git tree '/src' is dirty\n\x1b[31;1merror:\x1b[0m undefined variable 'x'\n\n       at \x1b[35;1m/src/a.nix\x1b[0m:3:5:\n", nixError{
			msg: "undefined variable 'x'", detail: []string{"       at /src/a.nix:3:5:"}, file: "/src/a.nix", line: 3,
		}},
		{"an expression, not a file", "error: undefined variable 'y'\n\n       at «string»:1:1:\n", nixError{
			msg: "undefined variable 'y'", detail: []string{"       at «string»:1:1:"},
		}},
		{"no error line", "Killed\n", nixError{msg: "Killed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseNixError([]byte(tt.stderr))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(nixError{})); diff != "" {
				t.Errorf("parseNixError() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFileError(t *testing.T) {
	tests := []struct {
		name, file, stderr string
		wantFile           string
		wantLine           int
		wantFirst          string
	}{
		{"located in the file", "/src/nix/bad.nix", syntaxStderr, "/src/nix/bad.nix", 2, "nix/bad.nix:2: syntax error, unexpected ';'"},
		{"located in an imported file", "/src/nix/a.nix", syntaxStderr, "/src/nix/bad.nix", 2, "nix/a.nix: nix/bad.nix:2: syntax error, unexpected ';'"},
		{"no place", "/src/throw.nix", throwStderr, "/src/throw.nix", 0, "throw.nix: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fileError("/src", tt.file, parseNixError([]byte(tt.stderr)))
			var located interface{ Location() (string, int) }
			if !errors.As(error(err), &located) {
				t.Fatalf("fileError() = %T, which has no Location method", err)
			}
			if file, line := located.Location(); file != tt.wantFile || line != tt.wantLine {
				t.Errorf("Location() = %s, %d, want %s, %d", file, line, tt.wantFile, tt.wantLine)
			}
			lines := strings.Split(err.Error(), "\n")
			if lines[0] != tt.wantFirst {
				t.Errorf("first line = %q, want %q", lines[0], tt.wantFirst)
			}
			if last, want := lines[len(lines)-1], "fix it, then check it again with: nix-instantiate --eval "+relTo("/src", tt.file); last != want {
				t.Errorf("last line = %q, want %q", last, want)
			}
			if strings.Contains(err.Error(), "--show-trace") {
				t.Errorf("error mentions --show-trace, which the check does not take:\n%s", err)
			}
		})
	}
}

func TestJoinEvalErrorsDropsRepeats(t *testing.T) {
	own := fileError("/src", "/src/nix/bad.nix", parseNixError([]byte(syntaxStderr)))
	importer := fileError("/src", "/src/nix/a.nix", parseNixError([]byte(syntaxStderr)))
	other := fileError("/src", "/src/throw.nix", parseNixError([]byte(throwStderr)))
	err := joinEvalErrors([]*EvalError{importer, own, other})
	got := err.(interface{ Unwrap() []error }).Unwrap()
	if diff := cmp.Diff([]error{own, other}, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("joinEvalErrors() kept (-want +got):\n%s", diff)
	}
	// Without the broken file's own error, the importer's is the only one.
	if got := joinEvalErrors([]*EvalError{importer}); !errors.Is(got, importer) {
		t.Errorf("joinEvalErrors(importer) = %v, want the importer's error", got)
	}
}
