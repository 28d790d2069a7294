package doctor

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// fakeNix answers `nix` commands the way Nix does: results on standard
// output, warnings and errors on standard error.
type fakeNix struct {
	version  string
	evalOut  string // what `nix eval --expr '1 + 1'` prints
	warnings []string
	settings string // `nix show-config --json`; "" = the command fails
	newCLI   bool   // `nix config show` exists (Nix ≥ 2.20)
	pingErr  bool
	calls    []string
}

func (f *fakeNix) run(_ context.Context, name string, args ...string) (string, string, error) {
	cmd := strings.Join(append([]string{name}, args...), " ")
	f.calls = append(f.calls, cmd)
	warn := ""
	for _, w := range f.warnings {
		warn += "warning: " + w + "\n"
	}
	switch {
	case name == "go":
		return "go1.26.8", "", nil
	case cmd == "nix --version":
		return f.version, "", nil
	case strings.HasSuffix(cmd, "eval --expr 1 + 1"):
		if f.evalOut != "2" {
			return f.evalOut, warn + "error: experimental Nix feature 'flakes' is disabled", errors.New("exit status 1")
		}
		return f.evalOut, warn, nil
	case strings.HasSuffix(cmd, "config show --json") && f.newCLI, strings.HasSuffix(cmd, "show-config --json") && !f.newCLI:
		if f.settings == "" {
			return "", "error: no settings", errors.New("exit status 1")
		}
		return f.settings, warn, nil
	case strings.HasSuffix(cmd, "store ping"):
		if f.pingErr {
			return "", "error: cannot connect to socket at '/nix/var/nix/daemon-socket/socket': Connection refused", errors.New("exit status 1")
		}
		return "Store URL: daemon", "", nil
	}
	return "", "error: '" + args[len(args)-2] + "' is not a recognised command", errors.New("exit status 1")
}

func fakeMachine(n *fakeNix, euid int, groups map[string][]string, env map[string]string) Machine {
	return Machine{
		Getenv:   func(k string) string { return env[k] },
		Run:      n.run,
		LookPath: func(p string) (string, error) { return "/usr/bin/" + p, nil },
		Euid:     euid,
		GroupMembers: func(g string) ([]string, bool) {
			m, ok := groups[g]
			return m, ok
		},
		FreeBytes: func(string) (uint64, uint64, error) { return 0, 0, os.ErrNotExist },
		Exists:    func(string) bool { return false },
		Writable:  func(string) bool { return false },
	}
}

func settings(group, sandbox string) string {
	return `{"build-users-group":{"value":"` + group + `"},"sandbox":{"value":` + sandbox + `},"store":{"value":"auto"}}`
}

func TestCheckNix(t *testing.T) {
	tests := []struct {
		name       string
		nix        fakeNix
		want       Status
		wantDetail string
	}{
		{"healthy", fakeNix{version: "nix (Nix) 2.8.0", evalOut: "2"}, OK, "flakes usable"},
		{"a warning is a warning, not a failure", fakeNix{version: "nix (Nix) 2.8.0", evalOut: "2",
			warnings: []string{"unknown setting 'lazy-trees'", "unknown setting 'lazy-trees'"}}, Warn, "Nix warns: unknown setting 'lazy-trees'"},
		{"the build users' warning is left to the build check", fakeNix{version: "nix (Nix) 2.8.0", evalOut: "2",
			warnings: []string{"the group 'nixbld' specified in 'build-users-group' does not exist"}}, OK, "flakes usable"},
		{"flakes disabled", fakeNix{version: "nix (Nix) 2.8.0", evalOut: ""}, Fail, "experimental Nix feature 'flakes' is disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkNix(context.Background(), fakeMachine(&tt.nix, 0, nil, nil))
			if got.Status != tt.want || !strings.Contains(got.Detail, tt.wantDetail) {
				t.Errorf("checkNix() = %+v, want %v with %q", got, tt.want, tt.wantDetail)
			}
			if strings.Count(got.Detail, "lazy-trees") > 1 {
				t.Errorf("checkNix() repeats a warning: %q", got.Detail)
			}
		})
	}
}

func TestCheckNixBuild(t *testing.T) {
	nixbld := map[string][]string{"nixbld": {"nixbld1", "nixbld2"}, "empty": nil}
	tests := []struct {
		name    string
		nix     fakeNix
		euid    int
		env     map[string]string
		socket  bool // the nix-daemon socket exists
		store   bool // /nix/store writable
		want    Status
		wantFix string
	}{
		{"root, no build users configured", fakeNix{settings: settings("", "false")}, 0, nil, false, true, OK, ""},
		{"root, build users exist", fakeNix{settings: settings("nixbld", "true")}, 0, nil, false, true, OK, ""},
		{"root, build users group missing", fakeNix{settings: settings("nixbld-gone", "false")}, 0, nil, false, true, Fail, "build-users-group ="},
		{"root, build users group empty", fakeNix{settings: settings("empty", "false")}, 0, nil, false, true, Fail, "nix-setup-systemd"},
		{"current Nix's config show", fakeNix{settings: settings("", "false"), newCLI: true}, 0, nil, false, true, OK, ""},
		{"user with a daemon", fakeNix{settings: settings("nixbld", "true")}, 1000, nil, true, false, OK, ""},
		{"user with a dead daemon", fakeNix{settings: settings("nixbld", "true"), pingErr: true}, 1000, nil, true, false, Fail, "systemctl start nix-daemon"},
		{"root told to use the daemon", fakeNix{settings: settings("nixbld", "true"), pingErr: true}, 0, map[string]string{"NIX_REMOTE": "daemon"}, false, true, Fail, "unset NIX_REMOTE"},
		{"user, no daemon, store not writable", fakeNix{settings: settings("", "false")}, 1000, nil, false, false, Fail, "run as the store's owner"},
		{"user owning a single-user store", fakeNix{settings: settings("", "false")}, 1000, nil, false, true, OK, ""},
		{"settings unreadable", fakeNix{}, 0, nil, false, true, Fail, "NIX_CONFIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fakeMachine(&tt.nix, tt.euid, nixbld, tt.env)
			m.Exists = func(p string) bool { return p == nixDaemonSocket && tt.socket }
			m.Writable = func(string) bool { return tt.store }
			got := checkNixBuild(context.Background(), m)
			if got.Status != tt.want || !strings.Contains(got.Fix, tt.wantFix) {
				t.Errorf("checkNixBuild() = %+v, want %v with fix %q", got, tt.want, tt.wantFix)
			}
			if tt.want == OK && !strings.Contains(got.Detail, "sandbox") {
				t.Errorf("checkNixBuild() detail %q does not name the sandbox setting", got.Detail)
			}
		})
	}
}

func TestCheckDisk(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name     string
		free     map[string][2]uint64 // path → free, device
		root     string
		want     Status
		wantText []string
	}{
		{"one roomy file system", map[string][2]uint64{"/nix/store": {50 * gib, 1}, "/tmp": {50 * gib, 1}, "/var/lib/docker": {50 * gib, 1}},
			"/var/lib/docker", OK, []string{"50.0 GiB free for Nix store /nix/store, temp /tmp, Docker data /var/lib/docker"}},
		{"Docker's disk low", map[string][2]uint64{"/nix/store": {50 * gib, 1}, "/tmp": {50 * gib, 1}, "/var/lib/docker": {3 * gib, 2}},
			"/var/lib/docker", Warn, []string{"3.0 GiB free for Docker data"}},
		{"temp full", map[string][2]uint64{"/nix/store": {50 * gib, 1}, "/tmp": {100 << 20, 3}}, "", Fail, []string{"100.0 MiB free for temp /tmp"}},
		{"remote daemon: its root is not looked at", map[string][2]uint64{"/nix/store": {50 * gib, 1}, "/tmp": {50 * gib, 1}}, "", OK, nil},
		{"nothing readable", nil, "", Warn, []string{"could not read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fakeMachine(&fakeNix{}, 0, nil, map[string]string{"TMPDIR": "/tmp"})
			m.FreeBytes = func(p string) (uint64, uint64, error) {
				if v, ok := tt.free[p]; ok {
					return v[0], v[1], nil
				}
				return 0, 0, os.ErrNotExist
			}
			got := checkDisk(m, tt.root)
			if got.Status != tt.want {
				t.Errorf("checkDisk() = %+v, want %v", got, tt.want)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(got.Detail, w) {
					t.Errorf("checkDisk() detail %q lacks %q", got.Detail, w)
				}
			}
			if (got.Status == OK) != (got.Fix == "") {
				t.Errorf("checkDisk() = %+v: a fix goes with warn and fail only", got)
			}
		})
	}
}
