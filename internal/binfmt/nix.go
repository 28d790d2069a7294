package binfmt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/nanna-coder/build/internal/platform"
)

// nixDaemonSocket is where a running nix-daemon listens.
const nixDaemonSocket = "/nix/var/nix/daemon-socket/socket"

// NixResult says whether Nix builds derivations of a platform.
type NixResult struct {
	// Installed is false when there is no nix on PATH; Builds is then false
	// and does not make the platform unready.
	Installed bool
	// Builds is true when the platform's system is Nix's own or one of its
	// extra-platforms.
	Builds bool
	// Note explains Builds, such as "extra-platforms lacks aarch64-linux".
	Note string
}

// nixConfig returns `nix show-config --json`; nil error and nil output mean
// that nix is not installed.
type nixConfig func(ctx context.Context) ([]byte, error)

// showConfig is the default nixConfig: it runs the nix found on PATH.
func showConfig(ctx context.Context) ([]byte, error) {
	nix, err := exec.LookPath("nix")
	if err != nil {
		return nil, nil
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, nix, "--extra-experimental-features", "nix-command", "show-config", "--json")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("nix show-config: %w: %s", err, lastLine(stderr.String()))
	}
	return out, nil
}

// ansi matches terminal colour codes, which nix puts in its messages.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// lastLine returns the last non-blank line of a command's stderr, without
// colours, for a one-line error.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(ansi.ReplaceAllString(s, "")), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// nixState is what Nix will build for, read once per run.
type nixState struct {
	installed bool
	// platforms are system and extra-platforms as nix itself sees them.
	platforms []string
	// conf is the nix.conf path, confPlatforms its extra-platforms.
	conf          string
	confPlatforms []string
	// viaDaemon is true when builds go through a nix-daemon, which reads
	// only nix.conf: a socket exists and this process is not root or has
	// NIX_REMOTE=daemon.
	viaDaemon bool
}

// readNix asks nix for its configuration and reads nix.conf.
func readNix(ctx context.Context, o Options) (nixState, error) {
	st := nixState{conf: o.nixConf()}
	out, err := o.nixConfig()(ctx)
	if err != nil {
		return st, fmt.Errorf("reading the Nix configuration: %w", err)
	}
	if out == nil {
		return st, nil
	}
	var cfg map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(out, &cfg); err != nil {
		return st, fmt.Errorf("reading the Nix configuration: nix show-config --json: %w", err)
	}
	var system string
	var extra []string
	if err := json.Unmarshal(cfg["system"].Value, &system); err != nil {
		return st, fmt.Errorf("reading the Nix configuration: system: %w", err)
	}
	if v := cfg["extra-platforms"].Value; v != nil {
		if err := json.Unmarshal(v, &extra); err != nil {
			return st, fmt.Errorf("reading the Nix configuration: extra-platforms: %w", err)
		}
	}
	st.installed, st.platforms = true, append([]string{system}, extra...)
	data, err := os.ReadFile(st.conf)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, fmt.Errorf("reading %s: %w", st.conf, err)
	}
	st.confPlatforms = confPlatforms(data)
	_, err = os.Stat(o.daemonSocket())
	st.viaDaemon = err == nil && (o.geteuid() != 0 || o.getenv("NIX_REMOTE") == "daemon")
	return st, nil
}

// check says whether Nix builds for system.
func (n nixState) check(system string) NixResult {
	switch {
	case !n.installed:
		return NixResult{Note: "nix is not installed"}
	case !slices.Contains(n.platforms, system):
		return NixResult{Installed: true, Note: "extra-platforms lacks " + system}
	case n.viaDaemon && !slices.Contains(n.confPlatforms, system) && n.platforms[0] != system:
		return NixResult{Installed: true, Note: "the nix-daemon reads " + n.conf + ", whose extra-platforms lacks " + system}
	}
	return NixResult{Installed: true, Builds: true, Note: "builds " + system}
}

// confPlatforms returns the platforms nix.conf adds: the values of its last
// extra-platforms line and of every extra-extra-platforms line.
func confPlatforms(conf []byte) []string {
	var last, more []string
	for _, line := range strings.Split(string(conf), "\n") {
		key, vals, ok := confSetting(line)
		switch {
		case ok && key == "extra-platforms":
			last = vals
		case ok && key == "extra-extra-platforms":
			more = append(more, vals...)
		}
	}
	return append(last, more...)
}

// confSetting splits a nix.conf line "key = v1 v2 # comment".
func confSetting(line string) (key string, vals []string, ok bool) {
	line, _, _ = strings.Cut(line, "#")
	k, v, ok := strings.Cut(line, "=")
	if !ok {
		return "", nil, false
	}
	return strings.TrimSpace(k), strings.Fields(v), true
}

// hasSetting reports whether conf sets key.
func hasSetting(conf []byte, key string) bool {
	for _, line := range strings.Split(string(conf), "\n") {
		if k, _, ok := confSetting(line); ok && k == key {
			return true
		}
	}
	return false
}

// addPlatform returns conf with system added to its extra-platforms: to the
// last extra-platforms line if there is one (which is the one that counts),
// else on a new last line that also lists defaults, the platforms such a
// line would otherwise drop from Nix's default. line is the line written.
// Everything else is kept byte for byte.
func addPlatform(conf []byte, system string, defaults []string) (out []byte, line string, changed bool) {
	if slices.Contains(confPlatforms(conf), system) {
		return conf, "", false
	}
	lines := strings.Split(string(conf), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		key, _, ok := confSetting(lines[i])
		if !ok || key != "extra-platforms" {
			continue
		}
		body, comment, hasComment := strings.Cut(lines[i], "#")
		trimmed := strings.TrimRight(body, " \t")
		lines[i] = trimmed + " " + system + body[len(trimmed):]
		if hasComment {
			lines[i] += "#" + comment
		}
		return []byte(strings.Join(lines, "\n")), lines[i], true
	}
	line = "extra-platforms = " + strings.Join(append([]string{system}, defaults...), " ")
	if len(conf) > 0 && !bytes.HasSuffix(conf, []byte("\n")) {
		conf = append(slices.Clip(conf), '\n')
	}
	return append(slices.Clip(conf), line+"\n"...), line, true
}

// nixDefaults are the extra platforms to keep when a new extra-platforms
// line replaces Nix's default, as NixOS keeps i686-linux on x86_64.
func nixDefaults() []string {
	if host, ok := hostPlatform(); ok && host.Architecture == "amd64" {
		return []string{platform.Platform{Architecture: "386"}.System()}
	}
	return nil
}

// writeNixConf adds system to the extra-platforms of nix.conf.
func writeNixConf(path, system string) (line string, changed bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("adding %s to %s: %w", system, path, err)
	}
	out, line, changed := addPlatform(data, system, nixDefaults())
	if !changed {
		return "", false, nil
	}
	if err := writeFileAtomic(path, out, 0o644); err != nil {
		return "", false, fmt.Errorf("adding %s to %s: %w", system, path, permission(err))
	}
	return line, true, nil
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, keeping the mode of an existing file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// permission adds ErrNeedRoot to permission errors.
func permission(err error) error {
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%w: %w", err, ErrNeedRoot)
	}
	return err
}
