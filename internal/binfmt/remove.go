package binfmt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/nanna-coder/build/internal/platform"
	"github.com/nanna-coder/build/internal/ui"
)

// Remove unregisters every entry that claims one of platforms, whatever
// its name, enabled or not, and reports each to o.Log. Entries of other
// formats (python, jar, other architectures) are never touched, nor is
// binfmt_misc's global status. With o.Persist it also deletes the
// /etc/binfmt.d files that register nothing but those platforms. Nix's
// configuration is left alone. A second run changes nothing.
func Remove(ctx context.Context, platforms []platform.Platform, o Options) (Result, error) {
	k, log := o.kernel(), ui.Or(o.Log)
	var res Result
	quick := o
	quick.SkipNix = true // Nix is only read for a note, below
	w, err := look(ctx, quick, k)
	if err != nil {
		return res, err
	}
	if !w.mounted {
		fmt.Fprintf(log, "binfmt_misc is not mounted; nothing is registered\n")
	}
	var errs []error
	for _, p := range platforms {
		claims := claiming(w.entries, p)
		if len(claims) == 0 && w.mounted {
			fmt.Fprintf(log, "%s: no entry claims it; nothing to remove\n", p)
		}
		for _, e := range claims {
			if err := k.Unregister(e.Name); err != nil {
				errs = append(errs, fmt.Errorf("removing %s: %w", e.Name, err))
				continue
			}
			res.Changes = append(res.Changes, "removed "+e.Name)
			fmt.Fprintf(log, "%s: removed %s\n", p, describe(e))
		}
	}
	if o.Persist {
		removed, err := removeBootFiles(o, platforms)
		errs = append(errs, err)
		for _, f := range removed {
			res.Changes = append(res.Changes, "removed "+f)
			fmt.Fprintf(log, "removed %s\n", f)
		}
	}
	boot, _ := bootFiles(o)
	for _, p := range platforms {
		if f, ok := persistedBy(boot, p, ""); ok {
			fmt.Fprintf(log, "%s: note: %s registers it again at boot; %s\n", p, f, stopHint(o, f))
		}
	}
	if o.SkipNix {
		platforms = nil
	}
	if nix, err := readNix(ctx, o); err == nil {
		for _, p := range platforms {
			if slices.Contains(nix.confPlatforms, p.System()) {
				fmt.Fprintf(log, "%s: note: %s still lists %s in extra-platforms\n", p, nix.conf, p.System())
			}
		}
	}
	summarize(log, res.Changes)
	return res, errors.Join(errs...)
}

// stopHint says how to keep a boot file from registering again.
func stopHint(o Options, file string) string {
	if filepath.Dir(file) == o.path(etcBinfmtD) {
		return "-persist deletes it"
	}
	return "to stop that, mask it: ln -s /dev/null " + filepath.Join(etcBinfmtD, filepath.Base(file))
}
