package nix2container

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// entry is the part of a tar header the tests compare.
type entry struct {
	Name         string
	Type         byte
	Mode         int64
	Uid, Gid     int
	Uname, Gname string
	Size         int64
	Link         string
	Mtime        int64
}

func entries(hdrs []*tar.Header) []entry {
	out := make([]entry, len(hdrs))
	for i, h := range hdrs {
		out[i] = entry{h.Name, h.Typeflag, h.Mode, h.Uid, h.Gid, h.Uname, h.Gname, h.Size, h.Linkname, h.ModTime.Unix()}
	}
	return out
}

func blob(t *testing.T, l Layer, opts Store) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := l.WriteBlob(context.Background(), &b, opts)
	if err != nil {
		t.Fatalf("WriteBlob() = %v", err)
	}
	if n != int64(b.Len()) {
		t.Fatalf("WriteBlob() returned %d, wrote %d bytes", n, b.Len())
	}
	return b.Bytes()
}

func TestTreeOrderAndRewrite(t *testing.T) {
	root := t.TempDir()
	mkStore(t, root, map[string]string{
		"1111-one/a/c":        "c",
		"1111-one/a-b":        "ab",
		"1111-one/B":          "upper",
		"2222-root/bin/tool":  "tool",
		"2222-root/etc/":      "",
		"3333-other/lib/x.so": "so",
		"4444-link":           "->1111-one",
	})
	store := "/nix/store/"
	paths := []Path{
		{Path: store + "1111-one"},
		{Path: store + "2222-root", Options: &PathOptions{Rewrite: Rewrite{Regex: "^" + store + "2222-root", Repl: ""}}},
		{Path: store + "3333-other", Options: &PathOptions{Rewrite: Rewrite{Regex: "^" + store + "[0-9]+-([a-z]+)", Repl: "/opt/$1"}}},
		{Path: store + "4444-link"},
	}
	hdrs := readTar(t, blob(t, Layer{Paths: paths}, Store{Root: root}))
	var names []string
	for _, h := range hdrs {
		names = append(names, fmt.Sprintf("%s %c", h.Name, h.Typeflag))
	}
	want := []string{
		"/ 5", "/bin 5", "/bin/tool 0", "/etc 5",
		"/nix 5", "/nix/store 5",
		"/nix/store/1111-one 5", "/nix/store/1111-one/B 0", "/nix/store/1111-one/a 5", "/nix/store/1111-one/a/c 0", "/nix/store/1111-one/a-b 0",
		"/nix/store/4444-link 2",
		"/opt 5", "/opt/other 5", "/opt/other/lib 5", "/opt/other/lib/x.so 0",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("tar entries mismatch (-want +got):\n%s", diff)
	}
	for _, h := range hdrs {
		if h.Name == "/opt" && (h.Mode != 0o755 || h.Uname != "root" || !h.ModTime.Equal(time.Unix(1, 0))) {
			t.Errorf("unwalked directory /opt = mode %o, uname %s, mtime %v", h.Mode, h.Uname, h.ModTime)
		}
		if h.Name == "/nix/store/4444-link" && (h.Linkname != "1111-one" || h.Mode != 0o777) {
			t.Errorf("symlink store path = link %q, mode %o, want 1111-one, 0777", h.Linkname, h.Mode)
		}
	}
	data := blob(t, Layer{Paths: paths}, Store{Root: root})
	if !bytes.Equal(data[len(data)-1024:], make([]byte, 1024)) || len(data)%512 != 0 {
		t.Errorf("the tar does not end with two zero blocks")
	}
}

func TestTreeConflicts(t *testing.T) {
	root := t.TempDir()
	mkStore(t, root, map[string]string{
		"1111-a/bin/x": "same",
		"2222-b/bin/x": "same",
		"3333-c/bin/x": "longer",
		"4444-d/bin/x": "->y",
	})
	rw := func(p string) Path {
		return Path{Path: "/nix/store/" + p, Options: &PathOptions{Rewrite: Rewrite{Regex: "^/nix/store/" + p, Repl: ""}}}
	}
	perm := func(p Path, uid int) Path {
		p.Options.Perms = []Perm{{Regex: ".*", Uid: uid}}
		return p
	}
	tests := []struct {
		name  string
		paths []Path
		want  string // "" when no error
	}{
		{"same file twice", []Path{rw("1111-a"), rw("2222-b")}, ""},
		{"different size", []Path{rw("1111-a"), rw("3333-c")}, "size"},
		{"different mode", []Path{rw("1111-a"), rw("4444-d")}, "mode"},
		{"different perms", []Path{perm(rw("1111-a"), 1), perm(rw("2222-b"), 2)}, "different perms"},
		{"same perms", []Path{perm(rw("1111-a"), 1), perm(rw("2222-b"), 1)}, ""},
		{"missing path", []Path{{Path: "/nix/store/5555-gone"}}, "5555-gone"},
		{"bad rewrite regex", []Path{{Path: "/nix/store/1111-a", Options: &PathOptions{Rewrite: Rewrite{Regex: "c++"}}}}, "rewrite regex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Layer{Paths: tt.paths}.WriteBlob(context.Background(), &bytes.Buffer{}, Store{Root: root})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("WriteBlob() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("WriteBlob() = %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestSplitPath(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"/", []string{""}},
		{"/nix/store/x", []string{"", "nix", "store", "x"}},
		{"/a//b/", []string{"", "a", "b"}},
		{"opt/x", []string{"opt", "x"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitPath(tt.in)); diff != "" {
			t.Errorf("splitPath(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}
