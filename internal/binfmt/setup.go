package binfmt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/ui"
)

// Result says what Setup or Remove changed and how the platforms stand.
type Result struct {
	// Changes lists every change made, one line each, such as
	// "registered qemu-aarch64"; empty when nothing changed.
	Changes []string
	// States are the requested platforms after the run (Setup only).
	States []State
}

// Setup makes the platforms' programs run on this machine through QEMU,
// and reports each step to o.Log. For each platform it:
//
//   - mounts binfmt_misc when it is not mounted;
//   - looks for entries that claim the platform, whatever their names, and
//     registers a static QEMU with flag F (and C only with o.Credentials)
//     unless an enabled one has those flags and its probe runs;
//   - runs the platform's probe in an empty chroot (directly when not root);
//   - with o.Persist, writes an /etc/binfmt.d line unless a binfmt.d file
//     already registers the platform with F;
//   - unless o.SkipNix, checks that Nix's extra-platforms has the
//     platform's system and prints the line to add, or with o.WriteNixConf
//     adds it to nix.conf.
//
// Setup is idempotent: a second run changes nothing and says so. Errors of
// one platform do not stop the others; they are returned together.
func Setup(ctx context.Context, platforms []platform.Platform, o Options) (Result, error) {
	k, log := o.kernel(), ui.Or(o.Log)
	var res Result
	if !k.Mounted() {
		if err := k.Mount(); err != nil {
			return res, err
		}
		res.Changes = append(res.Changes, "mounted binfmt_misc")
		fmt.Fprintf(log, "mounted binfmt_misc on %s\n", DefaultDir)
	}
	if on, err := globallyEnabled(k); err != nil {
		return res, err
	} else if !on {
		return res, fmt.Errorf("%w: it is disabled as a whole (enable it: echo 1 > %s/status)", ErrUnavailable, DefaultDir)
	}
	w, err := look(ctx, o, k)
	if err != nil {
		return res, err
	}
	for _, bad := range w.malformed {
		fmt.Fprintf(log, "warning: skipping %v\n", bad)
	}
	if w.nixErr != nil {
		fmt.Fprintf(log, "warning: %v\n", w.nixErr)
	}
	var errs []error
	for _, p := range platforms {
		s := setup{o: o, k: k, log: log, res: &res, w: &w}
		if err := s.platform(ctx, p); err != nil {
			errs = append(errs, fmt.Errorf("setting up %s: %w", p, err))
		}
		res.States = append(res.States, w.state(ctx, o, p, false))
		res.States[len(res.States)-1].Probe = s.probe
	}
	summarize(log, res.Changes)
	return res, errors.Join(errs...)
}

// summarize ends a run's report: "nothing changed" or the count.
func summarize(log io.Writer, changes []string) {
	switch len(changes) {
	case 0:
		fmt.Fprintln(log, "nothing changed")
	case 1:
		fmt.Fprintln(log, "1 change")
	default:
		fmt.Fprintf(log, "%d changes\n", len(changes))
	}
}

// setup holds one platform's run of Setup.
type setup struct {
	o     Options
	k     kernel
	log   io.Writer
	res   *Result
	w     *world
	probe ProbeResult
	line  string // the register line written, if any
}

func (s *setup) changed(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.res.Changes = append(s.res.Changes, msg)
}

func (s *setup) platform(ctx context.Context, p platform.Platform) error {
	if p.Native() {
		fmt.Fprintf(s.log, "%s: native on this machine; nothing to set up\n", p)
		return nil
	}
	want := "F"
	if s.o.Credentials {
		want = "CF"
	}
	claims := claiming(s.w.entries, p)
	if len(claims) > 1 {
		for _, e := range claims {
			fmt.Fprintf(s.log, "%s: found %s\n", p, describe(e))
		}
		fmt.Fprintf(s.log, "%s: warning: %d entries claim it; the kernel uses the most recently registered\n", p, len(claims))
	}
	register := true
	if e, ok := satisfying(claims, want); ok {
		s.probe = probePlatform(ctx, s.o, p)
		if s.probe.OK() {
			fmt.Fprintf(s.log, "%s: already registered as %s; emulation %s\n", p, describe(e), s.probe)
			register = false
			if e.Has('C') && !s.o.Credentials {
				fmt.Fprintf(s.log, "%s: warning: %s has the C flag: a setuid %s binary runs QEMU as root; "+
					"qemu:remove %s then qemu:setup %s registers it without C\n", p, e.Name, p.Architecture, p.Architecture, p.Architecture)
			}
		} else {
			fmt.Fprintf(s.log, "%s: %s claims it but the probe %s; registering an entry that takes precedence\n", p, describe(e), s.probe)
		}
	} else if len(claims) > 0 {
		fmt.Fprintf(s.log, "%s: %s lacks %s; registering an entry that has it\n", p, describe(claims[0]), want)
	}
	if register {
		if err := s.register(ctx, p, want); err != nil {
			return err
		}
	} else if s.o.Interpreter != "" && !s.o.Persist {
		fmt.Fprintf(s.log, "%s: -qemu=%s not used: nothing to register (qemu:remove %s first to replace the entry)\n", p, s.o.Interpreter, p.Architecture)
	}
	var errs []error
	if s.o.Persist {
		errs = append(errs, s.persist(p, want))
	}
	if !s.o.SkipNix {
		errs = append(errs, s.nix(ctx, p))
	}
	return errors.Join(errs...)
}

// register writes a new entry for p and verifies it with the probe.
func (s *setup) register(ctx context.Context, p platform.Platform, flags string) error {
	interp, err := findInterpreter(p, s.o)
	if err != nil {
		return err
	}
	if len(interp) > maxInterpreter {
		return fmt.Errorf("registering %s: the interpreter path %s is longer than %d characters", p, interp, maxInterpreter)
	}
	name := fmt.Sprintf(s.o.name(), p.QEMU())
	if old, ok := findEntry(s.w.entries, name); ok {
		if !old.Claims(p) {
			return fmt.Errorf("registering %s: an unrelated entry is called %s; remove it or rename it first", p, name)
		}
		if err := s.k.Unregister(name); err != nil {
			return fmt.Errorf("replacing %s: %w", name, err)
		}
		s.changed("removed %s", describe(old))
		fmt.Fprintf(s.log, "%s: removed %s to replace it\n", p, describe(old))
	}
	if flags != "F" {
		fmt.Fprintf(s.log, "%s: warning: registering with C: setuid %s binaries will run QEMU as root, which any local user can exploit\n", p, p.Architecture)
	}
	s.line = RegisterLine(name, p, interp, flags)
	if err := s.k.Register(s.line); err != nil {
		return fmt.Errorf("registering %s: %w", name, err)
	}
	s.changed("registered %s", name)
	if err := s.rescan(); err != nil {
		return err
	}
	e, _ := findEntry(s.w.entries, name)
	s.probe = probePlatform(ctx, s.o, p)
	fmt.Fprintf(s.log, "%s: registered %s; emulation %s\n", p, describe(e), s.probe)
	if !s.probe.OK() {
		return fmt.Errorf("verifying %s: the probe %s", name, s.probe)
	}
	return nil
}

func (s *setup) rescan() error {
	entries, _, err := scan(s.k)
	if err != nil {
		return err
	}
	s.w.entries = entries
	return nil
}

// persist makes sure a binfmt.d file registers p at boot.
func (s *setup) persist(p platform.Platform, flags string) error {
	if file, ok := persistedBy(s.w.boot, p, flags); ok {
		fmt.Fprintf(s.log, "%s: registered at boot by %s\n", p, file)
		return nil
	}
	name := fmt.Sprintf(s.o.name(), p.QEMU())
	line := s.line
	if line == "" {
		interp, err := findInterpreter(p, s.o)
		if err != nil {
			return fmt.Errorf("persisting: %w", err)
		}
		line = RegisterLine(name, p, interp, flags)
	}
	path, changed, err := writeBootFile(s.o, name, line)
	if err != nil {
		return err
	}
	if changed {
		s.changed("wrote %s", path)
		fmt.Fprintf(s.log, "%s: wrote %s; systemd-binfmt registers it at boot\n", p, path)
	}
	s.w.boot, _ = bootFiles(s.o)
	return nil
}

// nix checks, and with WriteNixConf fixes, Nix's extra-platforms.
func (s *setup) nix(ctx context.Context, p platform.Platform) error {
	if s.w.nixErr != nil {
		return nil // warned once already
	}
	r := s.w.nix.check(p.System())
	switch {
	case !r.Installed:
		fmt.Fprintf(s.log, "%s: Nix: not installed; skipping its check\n", p)
		return nil
	case r.Builds:
		fmt.Fprintf(s.log, "%s: Nix: %s\n", p, r.Note)
		return nil
	case !s.o.WriteNixConf:
		conf := readOrEmpty(s.w.nix.conf)
		_, line, _ := addPlatform(conf, p.System(), nixDefaults())
		what := "add this line to " + s.w.nix.conf
		if hasSetting(conf, "extra-platforms") {
			what = "change the last extra-platforms line of " + s.w.nix.conf + " to"
		}
		fmt.Fprintf(s.log, "%s: Nix: %s; %s (or rerun with -writeNixConf)%s:\n    %s\n",
			p, r.Note, what, s.restartHint(), line)
		return fmt.Errorf("%w: emulation works, but Nix will not build %s (%s); add %q to %s, or rerun with -writeNixConf, or with -nix=false if you do not build with Nix",
			ErrNixLacksPlatform, p.System(), r.Note, line, s.w.nix.conf)
	}
	line, changed, err := writeNixConf(s.w.nix.conf, p.System())
	if err != nil {
		return err
	}
	if changed {
		s.changed("added %s to extra-platforms in %s", p.System(), s.w.nix.conf)
		fmt.Fprintf(s.log, "%s: Nix: wrote %q to %s%s\n", p, line, s.w.nix.conf, s.restartHint())
	}
	nix, err := readNix(ctx, s.o)
	if err != nil {
		return err
	}
	s.w.nix = nix
	if r := nix.check(p.System()); !r.Builds {
		return fmt.Errorf("%w: %s still %s after writing %s (does NIX_CONFIG set extra-platforms?)", ErrNixLacksPlatform, p.System(), r.Note, s.w.nix.conf)
	}
	return nil
}

// restartHint tells to restart a running nix-daemon, which reads nix.conf
// only when it starts.
func (s *setup) restartHint() string {
	if _, err := os.Stat(s.o.daemonSocket()); err != nil {
		return ""
	}
	return ", then restart the Nix daemon (systemctl restart nix-daemon)"
}

func readOrEmpty(path string) []byte {
	data, _ := os.ReadFile(path)
	return data
}
