package nixbuild

import (
	"strings"
	"testing"
)

func TestFilterWriter(t *testing.T) {
	in := "evaluating…\n" +
		"\x1b[31;1merror (ignored):\x1b[0m SQLite database '/root/.cache/nix/eval-cache-v2/abc.sqlite' is busy\n" +
		"error (ignored): SQLite database '/root/.cache/nix/eval-cache-v4/def.sqlite' is busy\n" +
		"error (ignored): error: SQLite database '/root/.cache/nix/eval-cache-v2/5e20.sqlite' is busy\n" +
		"error: SQLite database '/nix/var/nix/db/db.sqlite' is busy\n" +
		"last line without newline"
	var out strings.Builder
	f := &filterWriter{w: &out}
	// Nix writes in pieces that do not follow lines.
	for _, chunk := range []string{in[:5], in[5:40], in[40:]} {
		if n, err := f.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write() = %d, %v", n, err)
		}
	}
	f.Flush()
	want := "evaluating…\n" +
		"error: SQLite database '/nix/var/nix/db/db.sqlite' is busy\n" +
		"last line without newline"
	if out.String() != want {
		t.Errorf("filtered =\n%q\nwant\n%q", out.String(), want)
	}
}
