package binfmt

import (
	"debug/elf"

	"github.com/nanna-coder/build/internal/platform"
)

// Claims reports whether e handles p's programs: it matches the ELF header
// of a static p executable and not that of this machine's own, so that a
// catch-all ELF handler is not taken for p's emulator.
func (e Entry) Claims(p platform.Platform) bool {
	if !e.Matches(header(p, elf.ET_EXEC)) {
		return false
	}
	if host, ok := hostPlatform(); ok && host.Architecture != p.Architecture && e.Matches(header(host, elf.ET_EXEC)) {
		return false
	}
	return true
}

// claiming returns the entries, enabled or not, that claim p.
func claiming(entries []Entry, p platform.Platform) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.Claims(p) {
			out = append(out, e)
		}
	}
	return out
}

// satisfying returns the first enabled entry that has every flag in flags.
func satisfying(entries []Entry, flags string) (Entry, bool) {
	for _, e := range entries {
		if !e.Enabled {
			continue
		}
		ok := true
		for i := 0; i < len(flags); i++ {
			ok = ok && e.Has(flags[i])
		}
		if ok {
			return e, true
		}
	}
	return Entry{}, false
}

// findEntry returns the entry called name.
func findEntry(entries []Entry, name string) (Entry, bool) {
	for _, e := range entries {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}
