package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// nixFeatures switches on what the targets use, on any Nix ≥ 2.4.
var nixFeatures = []string{"--extra-experimental-features", "nix-command flakes"}

// nixDaemonSocket is where a multi-user Nix's daemon listens.
const nixDaemonSocket = "/nix/var/nix/daemon-socket/socket"

// ansi matches terminal colour codes, which Nix puts in its messages.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func (m Machine) nix(ctx context.Context, args ...string) (string, string, error) {
	stdout, stderr, err := m.Run(ctx, "nix", append(append([]string{}, nixFeatures...), args...)...)
	return stdout, ansi.ReplaceAllString(stderr, ""), err
}

// checkNix checks that Nix runs and evaluates flakes; warnings Nix prints
// while doing so make a warn row, not a failure.
func checkNix(ctx context.Context, m Machine) Finding {
	if _, err := m.LookPath("nix"); err != nil {
		return Finding{Fail, "nix not found: the images cannot be built (only load:json of a built image works)",
			"install Nix (https://nixos.org/download) or Debian's nix-bin"}
	}
	v, _, err := m.Run(ctx, "nix", "--version")
	if err != nil {
		return Finding{Fail, "nix --version: " + err.Error(), "reinstall Nix"}
	}
	out, stderr, err := m.nix(ctx, "eval", "--expr", "1 + 1")
	if err != nil || out != "2" {
		return Finding{Fail, v + ", but flakes do not evaluate: " + lastError(stderr, err),
			"Nix 2.4 or newer is needed; check /etc/nix/nix.conf and NIX_CONFIG"}
	}
	if w := warnings(stderr); len(w) > 0 {
		return Finding{Warn, v + ", flakes usable; Nix warns: " + strings.Join(w, "; "),
			"edit the setting it names in /etc/nix/nix.conf, ~/.config/nix/nix.conf or NIX_CONFIG (a setting written for another Nix version is ignored)"}
	}
	return Finding{OK, v + ", flakes usable", ""}
}

// warnings returns Nix's distinct "warning: …" lines, without the prefix.
func warnings(stderr string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(stderr, "\n") {
		w, ok := strings.CutPrefix(strings.TrimSpace(line), "warning: ")
		// The nix build check names the build users' problem with its fix.
		if ok && !seen[w] && !strings.Contains(w, "'build-users-group'") {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// nixSettings are the settings checkNixBuild reads.
type nixSettings struct {
	BuildUsersGroup string
	Sandbox         string
	Store           string
}

// readNixSettings asks Nix for its effective configuration: `nix config
// show --json` on current Nix, `nix show-config --json` before 2.20.
func readNixSettings(ctx context.Context, m Machine) (nixSettings, error) {
	out, stderr, err := m.nix(ctx, "config", "show", "--json")
	if err != nil {
		out, stderr, err = m.nix(ctx, "show-config", "--json")
	}
	if err != nil {
		return nixSettings{}, fmt.Errorf("nix show-config: %s", lastError(stderr, err))
	}
	var raw map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		return nixSettings{}, fmt.Errorf("nix show-config printed something that is not its JSON settings")
	}
	str := func(key string) string {
		if v, ok := raw[key]; ok && v.Value != nil {
			return fmt.Sprint(v.Value)
		}
		return ""
	}
	return nixSettings{BuildUsersGroup: str("build-users-group"), Sandbox: str("sandbox"), Store: str("store")}, nil
}

// checkNixBuild checks that Nix can build here: through a nix-daemon, or
// single-user with build users that exist or none configured.
func checkNixBuild(ctx context.Context, m Machine) Finding {
	if _, err := m.LookPath("nix"); err != nil {
		return Finding{Fail, "nix not found", "install Nix"}
	}
	s, err := readNixSettings(ctx, m)
	if err != nil {
		return Finding{Fail, err.Error(), "check /etc/nix/nix.conf and NIX_CONFIG"}
	}
	sandbox := "sandbox " + orDefault(s.Sandbox, "unknown")
	remote := m.Getenv("NIX_REMOTE")
	daemon := remote == "daemon" || s.Store == "daemon" || strings.HasPrefix(remote, "unix://") ||
		(remote == "" && m.Euid != 0 && m.Exists(nixDaemonSocket))
	if daemon {
		if _, stderr, err := m.nix(ctx, "store", "ping"); err != nil {
			return Finding{Fail, "builds go through the nix-daemon, which does not answer: " + lastError(stderr, err),
				"start it (sudo systemctl start nix-daemon) or, as root on a single-user install, unset NIX_REMOTE"}
		}
		return Finding{OK, "through the nix-daemon; " + sandbox, ""}
	}
	if m.Euid != 0 {
		if !m.Writable("/nix/store") {
			return Finding{Fail, "no nix-daemon, and this user may not write /nix/store: builds fail",
				"start the nix-daemon of a multi-user install (sudo systemctl start nix-daemon), or run as the store's owner"}
		}
		return Finding{OK, "single-user store owned by this user; " + sandbox, ""}
	}
	if g := s.BuildUsersGroup; g != "" {
		members, ok := m.GroupMembers(g)
		if !ok || len(members) == 0 {
			what := "does not exist"
			if ok {
				what = "has no members"
			}
			return Finding{Fail, fmt.Sprintf("as root without a nix-daemon: build-users-group is %q, but that group %s, so every build fails", g, what),
				"single-user root install: add `build-users-group =` to /etc/nix/nix.conf (or NIX_CONFIG); multi-user install: install nix-setup-systemd (Debian) or rerun the Nix installer in daemon mode, then start nix-daemon"}
		}
		return Finding{OK, fmt.Sprintf("as root with %d build users (%s); %s", len(members), g, sandbox), ""}
	}
	return Finding{OK, "single-user as root, no build users; " + sandbox, ""}
}

// lastError is the last line of a command's standard error, or err.
func lastError(stderr string, err error) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" && !strings.HasPrefix(l, "warning:") {
			return l
		}
	}
	if err != nil {
		return err.Error()
	}
	return "no output"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
