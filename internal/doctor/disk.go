package doctor

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/nanna-coder/build/internal/ui"
)

// Free-space thresholds: below lowDisk a model image may not fit; below
// fullDisk even a small load fails.
const (
	lowDisk  = 10 << 30
	fullDisk = 1 << 30
)

// place is a directory whose file system a load writes to.
type place struct {
	what, path string
}

// checkDisk reports the free space where the Nix store, the temporary
// directory and (for a local daemon) Docker's data root live, one entry per
// file system.
func checkDisk(m Machine, dockerRoot string) Finding {
	places := []place{{"Nix store", "/nix/store"}, {"temp", tempDir(m)}}
	if dockerRoot != "" {
		places = append(places, place{"Docker data", dockerRoot})
	}
	type fsys struct {
		free  uint64
		names []string
	}
	var order []uint64
	byDev := map[uint64]*fsys{}
	for _, p := range places {
		free, dev, err := m.FreeBytes(p.path)
		if err != nil {
			continue // not there (no Nix store yet, a remote daemon's path)
		}
		if byDev[dev] == nil {
			byDev[dev] = &fsys{free: free}
			order = append(order, dev)
		}
		byDev[dev].names = append(byDev[dev].names, p.what+" "+p.path)
	}
	if len(order) == 0 {
		return Finding{Warn, "could not read the free space of " + describePlaces(places), "check that these directories exist and are readable"}
	}
	status, least := OK, uint64(0)
	var parts []string
	for i, dev := range order {
		f := byDev[dev]
		parts = append(parts, fmt.Sprintf("%s free for %s", ui.Bytes(int64(f.free)), strings.Join(f.names, ", ")))
		if i == 0 || f.free < least {
			least = f.free
		}
	}
	switch {
	case least < fullDisk:
		status = Fail
	case least < lowDisk:
		status = Warn
	}
	fix := ""
	if status != OK {
		fix = "free space (nix-collect-garbage -d; docker image prune) or move TMPDIR / Docker's data-root to a larger disk; model images need several GiB"
	}
	return Finding{status, strings.Join(parts, "; "), fix}
}

func tempDir(m Machine) string {
	if d := m.Getenv("TMPDIR"); d != "" {
		return d
	}
	return os.TempDir()
}

func describePlaces(ps []place) string {
	var names []string
	for _, p := range ps {
		names = append(names, p.path)
	}
	return strings.Join(slices.Compact(names), ", ")
}
