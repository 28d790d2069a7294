package nixbuild

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConfigFiles(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"defaults", map[string]string{"HOME": "/home/u"}, []string{"/etc/nix/nix.conf", "/etc/xdg/nix/nix.conf", "/home/u/.config/nix/nix.conf"}},
		{"XDG", map[string]string{"XDG_CONFIG_DIRS": "/a:/b", "XDG_CONFIG_HOME": "/c"}, []string{"/etc/nix/nix.conf", "/b/nix/nix.conf", "/a/nix/nix.conf", "/c/nix/nix.conf"}},
		{"NIX_USER_CONF_FILES", map[string]string{"NIX_CONF_DIR": "/n", "NIX_USER_CONF_FILES": "/x.conf:/y.conf", "HOME": "/home/u"}, []string{"/n/nix.conf", "/x.conf", "/y.conf"}},
	}
	for _, tt := range tests {
		got := ConfigFiles(func(k string) string { return tt.env[k] })
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: ConfigFiles() mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
