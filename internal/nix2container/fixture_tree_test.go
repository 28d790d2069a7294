package nix2container_test

import (
	"archive/tar"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures"
	"github.com/nanna-coder/build/internal/nix2container"
)

// TestPermsHeaders reads the golden perms case's tar headers from the
// fixtures' store tree; it is an external test because internal/fixtures
// imports this package.
func TestPermsHeaders(t *testing.T) {
	img, err := nix2container.ReadFile("testdata/cases/perms/image.json")
	if err != nil {
		t.Fatal(err)
	}
	root := fixtures.Root(t).Root
	app := fixtures.InstalledPath
	dir := func(name string, mode int64) nix2container.Entry {
		return nix2container.Entry{name, tar.TypeDir, mode, 0, 0, "root", "root", 0, "", 1}
	}
	want := []nix2container.Entry{
		dir("/", 0o755), dir("/nix", 0o755), dir("/nix/store", 0o755), dir(app, 0o555),
		dir(app+"/bin", 0o555),
		{app + "/bin/app", tar.TypeReg, 0o755, 1000, 100, "app", "users", 30, "", 1},
		{app + "/bin/app-link", tar.TypeSymlink, 0o755, 1000, 100, "app", "users", 0, "app", 1},
		dir(app+"/etc", 0o555),
		{app + "/etc/app.conf", tar.TypeReg, 0o600, 0, 0, "root", "root", 12, "", 1},
	}
	tests := []struct {
		name  string
		rules nix2container.Rules
		edit  func([]nix2container.Entry) []nix2container.Entry
	}{
		{"current", nix2container.Rules{}, func(e []nix2container.Entry) []nix2container.Entry { return e }},
		{"gname from uname", nix2container.Rules{GnameFromUname: true}, func(e []nix2container.Entry) []nix2container.Entry {
			e[5].Gname, e[6].Gname = "app", "app"
			return e
		}},
		{"mtime 0", nix2container.Rules{ZeroMtime: true}, func(e []nix2container.Entry) []nix2container.Entry {
			for i := range e {
				e[i].Mtime = 0
			}
			return e
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nix2container.LayerHeaders(t, img.Layers[0], nix2container.Store{Root: root, Rules: tt.rules})
			w := tt.edit(append([]nix2container.Entry(nil), want...))
			if diff := cmp.Diff(w, got[:len(w)]); diff != "" {
				t.Errorf("first headers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
