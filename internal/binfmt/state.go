package binfmt

import (
	"context"
	"fmt"
	"os"

	"github.com/nanna-coder/build/internal/platform"
)

// State is how one platform stands.
type State struct {
	// Platform is the platform described.
	Platform platform.Platform
	// Entries are the binfmt_misc entries that claim the platform, enabled
	// or not, in name order.
	Entries []Entry
	// Probe is the result of running the platform's probe; zero when it
	// was not run (native, or nothing registered).
	Probe ProbeResult
	// Nix says whether Nix builds for the platform.
	Nix NixResult
	// Boot is the binfmt.d file that registers the platform at boot, or "".
	Boot string
}

// Active returns the entry presumed to run the platform's programs: the
// first enabled entry with F, else the first enabled one. The kernel uses
// the most recently registered match, which it does not show.
func (s State) Active() (Entry, bool) {
	if e, ok := satisfying(s.Entries, "F"); ok {
		return e, true
	}
	return satisfying(s.Entries, "")
}

// Ready reports whether programs of the platform run on this machine, in
// containers and, when requireNix is set and Nix is installed, in Nix
// builds; otherwise why says what is missing.
func (s State) Ready(requireNix bool) (ready bool, why string) {
	if s.Platform.Native() {
		return true, ""
	}
	e, ok := s.Active()
	switch {
	case !ok:
		return false, "no enabled binfmt_misc entry claims it"
	case !e.Has('F'):
		return false, e.Name + " lacks the F flag, so it fails in containers and the Nix sandbox"
	case s.Probe.Err != nil:
		return false, "the probe " + s.Probe.String()
	case requireNix && s.Nix.Installed && !s.Nix.Builds:
		return false, "Nix will not build it: " + s.Nix.Note
	}
	return true, ""
}

// world is what a run reads once: the entries, nix and the boot files.
type world struct {
	mounted   bool
	entries   []Entry
	malformed []error
	nix       nixState
	nixErr    error
	boot      []bootFile
}

// look reads the kernel's entries, Nix's configuration (unless skipped)
// and the boot files.
func look(ctx context.Context, o Options, k kernel) (world, error) {
	w := world{mounted: k.Mounted()}
	if w.mounted {
		var err error
		if w.entries, w.malformed, err = scan(k); err != nil {
			return w, err
		}
	}
	if !o.SkipNix {
		w.nix, w.nixErr = readNix(ctx, o)
	}
	var bad []error
	w.boot, bad = bootFiles(o)
	w.malformed = append(w.malformed, bad...)
	return w, nil
}

// state describes p; with probe set it runs p's probe when an enabled entry
// claims it.
func (w world) state(ctx context.Context, o Options, p platform.Platform, probe bool) State {
	s := State{Platform: p, Entries: claiming(w.entries, p)}
	if !o.SkipNix {
		s.Nix = w.nix.check(p.System())
		if w.nixErr != nil {
			s.Nix = NixResult{Note: w.nixErr.Error()}
		}
	}
	s.Boot, _ = persistedBy(w.boot, p, "")
	if _, ok := s.Active(); ok && probe && !p.Native() {
		s.Probe = probePlatform(ctx, o, p)
	}
	return s
}

// probePlatform runs p's probe in an empty chroot as root, else directly.
func probePlatform(ctx context.Context, o Options, p platform.Platform) ProbeResult {
	program, err := Probe(p)
	if err != nil {
		return ProbeResult{Err: err}
	}
	return o.prober()(ctx, p, program, o.geteuid() == 0)
}

// describe summarises an entry: "qemu-aarch64 (/usr/bin/qemu-aarch64-static, flags F)".
func describe(e Entry) string {
	flags := e.Flags
	if flags == "" {
		flags = "none"
	}
	s := fmt.Sprintf("%s (%s, flags %s", e.Name, e.Interpreter, flags)
	if !e.Enabled {
		s += ", disabled"
	}
	return s + ")"
}

// interpreterNote says whether an entry's interpreter exists on the host.
func interpreterNote(e Entry) string {
	if _, err := os.Stat(e.Interpreter); err == nil {
		return ""
	}
	if e.Has('F') {
		return "missing on the host, held open by F"
	}
	return "missing"
}
