package binfmt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/nanna-coder/build/internal/platform"
)

// etcBinfmtD is where Setup -persist writes and Remove -persist deletes.
const etcBinfmtD = "/etc/binfmt.d"

// binfmtDirs are the directories systemd-binfmt reads at boot, highest
// priority first: a file masks files of the same name in later ones.
func binfmtDirs() []string {
	return []string{etcBinfmtD, "/run/binfmt.d", "/usr/local/lib/binfmt.d", "/usr/lib/binfmt.d"}
}

// bootFile is a binfmt.d file and the entries its lines register.
type bootFile struct {
	path    string
	entries []Entry
}

// bootFiles reads the *.conf files systemd-binfmt applies at boot, masked
// ones left out. Lines that are not register lines are reported in bad.
func bootFiles(o Options) (files []bootFile, bad []error) {
	seen := map[string]bool{}
	for _, dir := range binfmtDirs() {
		matches, _ := filepath.Glob(filepath.Join(o.path(dir), "*.conf"))
		sort.Strings(matches)
		for _, path := range matches {
			if seen[filepath.Base(path)] {
				continue
			}
			seen[filepath.Base(path)] = true
			data, err := os.ReadFile(path)
			if err != nil {
				bad = append(bad, fmt.Errorf("reading %s: %w", path, err))
				continue
			}
			f := bootFile{path: path}
			for _, line := range strings.Split(string(data), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || line[0] == '#' || line[0] == ';' {
					continue
				}
				e, err := ParseRegisterLine(line)
				if err != nil {
					bad = append(bad, fmt.Errorf("reading %s: %w", path, err))
					continue
				}
				f.entries = append(f.entries, e)
			}
			files = append(files, f)
		}
	}
	return files, bad
}

// persistedBy returns the first boot file that registers p with every
// flag in flags.
func persistedBy(files []bootFile, p platform.Platform, flags string) (string, bool) {
	for _, f := range files {
		if _, ok := satisfying(claiming(f.entries, p), flags); ok {
			return f.path, true
		}
	}
	return "", false
}

// writeBootFile writes line to /etc/binfmt.d/<name>.conf; it reports false
// when the file already holds exactly that.
func writeBootFile(o Options, name, line string) (string, bool, error) {
	path := o.path(filepath.Join(etcBinfmtD, name+".conf"))
	data := []byte(line + "\n")
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return path, false, nil
	}
	if err := writeFileAtomic(path, data, 0o644); err != nil {
		return path, false, fmt.Errorf("writing %s: %w", path, permission(err))
	}
	return path, true, nil
}

// removeBootFiles deletes the /etc/binfmt.d files whose every line claims
// one of platforms.
func removeBootFiles(o Options, platforms []platform.Platform) (removed []string, err error) {
	files, _ := bootFiles(o)
	for _, f := range files {
		if filepath.Dir(f.path) != o.path(etcBinfmtD) || len(f.entries) == 0 {
			continue
		}
		all := true
		for _, e := range f.entries {
			all = all && slices.ContainsFunc(platforms, e.Claims)
		}
		if !all {
			continue
		}
		if rerr := os.Remove(f.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("removing %s: %w", f.path, permission(rerr)))
			continue
		}
		removed = append(removed, f.path)
	}
	return removed, err
}
