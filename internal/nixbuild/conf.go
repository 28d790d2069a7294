package nixbuild

import (
	"path/filepath"
)

// ConfigFiles returns the configuration files Nix reads, in its order:
// NIX_CONF_DIR/nix.conf (/etc/nix/nix.conf), then NIX_USER_CONF_FILES or,
// without it, nix/nix.conf in each of XDG_CONFIG_DIRS (/etc/xdg) and in
// XDG_CONFIG_HOME (~/.config). Some may not exist. NIX_CONFIG, read after
// them, is an environment variable. Files named by !include are not
// followed.
func ConfigFiles(getenv func(string) string) []string {
	dir := getenv("NIX_CONF_DIR")
	if dir == "" {
		dir = "/etc/nix"
	}
	files := []string{filepath.Join(dir, "nix.conf")}
	if user := getenv("NIX_USER_CONF_FILES"); user != "" {
		return append(files, filepath.SplitList(user)...)
	}
	dirs := getenv("XDG_CONFIG_DIRS")
	if dirs == "" {
		dirs = "/etc/xdg"
	}
	list := filepath.SplitList(dirs)
	for i := len(list) - 1; i >= 0; i-- { // the first directory matters most
		files = append(files, filepath.Join(list[i], "nix", "nix.conf"))
	}
	home := getenv("XDG_CONFIG_HOME")
	if home == "" && getenv("HOME") != "" {
		home = filepath.Join(getenv("HOME"), ".config")
	}
	if home != "" {
		files = append(files, filepath.Join(home, "nix", "nix.conf"))
	}
	return files
}

// ConfigEnv names the environment variables that change what Nix reads
// as its configuration.
func ConfigEnv() []string {
	return []string{"NIX_CONFIG", "NIX_CONF_DIR", "NIX_USER_CONF_FILES", "XDG_CONFIG_DIRS", "XDG_CONFIG_HOME", "HOME", "NIX_REMOTE", "NIX_PATH"}
}
