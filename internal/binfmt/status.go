package binfmt

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/ui"
)

// Status describes every platform, runs the probe of each registered one
// and writes a table to o.Log. It returns the states, every platform's,
// and an error wrapping ErrNotReady that names each of requested that is
// not ready (see State.Ready; Nix counts unless o.SkipNix). Status changes
// nothing: it does not mount binfmt_misc.
func Status(ctx context.Context, requested []platform.Platform, o Options) ([]State, error) {
	k := o.kernel()
	w, err := look(ctx, o, k)
	if err != nil {
		return nil, err
	}
	var states []State
	for _, p := range Platforms() {
		states = append(states, w.state(ctx, o, p, true))
	}
	log := ui.Or(o.Log)
	if !w.mounted {
		fmt.Fprintf(log, "binfmt_misc is not mounted on %s (qemu:setup mounts it)\n", DefaultDir)
	} else if on, err := globallyEnabled(k); err == nil && !on {
		fmt.Fprintf(log, "binfmt_misc is disabled as a whole (%s/status)\n", DefaultDir)
	}
	for _, bad := range w.malformed {
		fmt.Fprintf(log, "warning: skipping %v\n", bad)
	}
	writeTable(log, states, requested, !o.SkipNix)
	var errs []string
	for _, s := range states {
		if !slices.ContainsFunc(requested, func(p platform.Platform) bool { return p.Architecture == s.Platform.Architecture }) {
			continue
		}
		if ok, why := s.Ready(!o.SkipNix); !ok {
			errs = append(errs, s.Platform.String()+": "+why)
		}
	}
	if len(errs) > 0 {
		return states, fmt.Errorf("%w: %s (qemu:setup sets them up; its -writeNixConf adds Nix's extra-platforms)", ErrNotReady, strings.Join(errs, "; "))
	}
	return states, nil
}

// writeTable prints one row per platform; requested ones are starred.
func writeTable(w io.Writer, states []State, requested []platform.Platform, nix bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "PLATFORM\tREADY\tENTRY\tFLAGS\tINTERPRETER\tEMULATION\tNIX\tAT BOOT"
	if !nix {
		header = strings.Replace(header, "\tNIX", "", 1)
	}
	fmt.Fprintln(tw, header)
	for _, s := range states {
		name := "  " + s.Platform.String()
		if slices.ContainsFunc(requested, func(p platform.Platform) bool { return p.Architecture == s.Platform.Architecture }) {
			name = "* " + s.Platform.String()
		}
		ready, _ := s.Ready(nix)
		row := []string{name, yesNo(ready), "-", "-", "-", "not registered"}
		if s.Platform.Native() {
			row[2], row[5] = "(native)", "native"
		} else if e, ok := s.Active(); ok {
			interp := e.Interpreter
			if note := interpreterNote(e); note != "" {
				interp += " (" + note + ")"
			}
			row[2], row[3], row[4], row[5] = e.Name, orDash(e.Flags), interp, s.Probe.String()
			if len(s.Entries) > 1 {
				row[2] += fmt.Sprintf(" (+%d)", len(s.Entries)-1)
			}
		} else if len(s.Entries) > 0 {
			row[2], row[5] = s.Entries[0].Name, "disabled"
		}
		if nix {
			row = append(row, s.Nix.Note)
		}
		row = append(row, orDash(s.Boot))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	fmt.Fprintln(w, "* requested")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
