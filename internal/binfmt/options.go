package binfmt

import (
	"io"
	"os"
	"path/filepath"
)

// DefaultName is the entry name format of new registrations, the name QEMU's
// own script, Debian and tonistiigi/binfmt use: qemu-aarch64.
const DefaultName = "qemu-%s"

// Options configure Setup, Status and Remove. The zero value uses the real
// binfmt_misc, looks for QEMU on PATH and in Debian's locations, and
// discards progress.
type Options struct {
	// Log receives progress (Setup, Remove) or the table (Status); nil
	// means io.Discard.
	Log io.Writer
	// Interpreter is a static QEMU to register, or a directory holding
	// qemu-<arch>-static or qemu-<arch> files; "" searches PATH and
	// Debian's locations.
	Interpreter string
	// Persist also writes an /etc/binfmt.d/<name>.conf line, which
	// systemd-binfmt registers at boot, unless a binfmt.d file already
	// registers the platform with F. For Remove it deletes /etc/binfmt.d
	// files that register only the removed platforms.
	Persist bool
	// WriteNixConf adds missing systems to extra-platforms in nix.conf
	// ($NIX_CONF_DIR/nix.conf, by default /etc/nix/nix.conf) instead of
	// only printing the line to add.
	WriteNixConf bool
	// Credentials registers with the C flag as well: setuid foreign
	// binaries then run QEMU as root, which any local user can exploit.
	// Only for images that need setuid programs (sudo) to work under
	// emulation.
	Credentials bool
	// SkipNix leaves Nix out: Setup does not check it and Status does not
	// require it.
	SkipNix bool
	// Name formats the names of new entries from the QEMU architecture;
	// "" means DefaultName.
	Name string
	// Getenv reads NIX_CONF_DIR and NIX_REMOTE; nil means os.Getenv.
	Getenv func(string) string

	// Tests replace the kernel, the probe runner, nix, PATH lookup, root
	// detection and the file system root of /etc and /usr paths.
	sys       kernel
	probe     prober
	nix       nixConfig
	lookPath  func(string) (string, error)
	euid      *int
	root      string
	daemonSoc string
}

func (o Options) kernel() kernel {
	if o.sys == nil {
		return procFS{dir: DefaultDir}
	}
	return o.sys
}

func (o Options) prober() prober {
	if o.probe == nil {
		return runProbe
	}
	return o.probe
}

func (o Options) nixConfig() nixConfig {
	if o.nix == nil {
		return showConfig
	}
	return o.nix
}

func (o Options) lookPathFunc() func(string) (string, error) {
	if o.lookPath == nil {
		return execLookPath
	}
	return o.lookPath
}

func (o Options) getenv(key string) string {
	if o.Getenv == nil {
		return os.Getenv(key)
	}
	return o.Getenv(key)
}

func (o Options) geteuid() int {
	if o.euid == nil {
		return os.Geteuid()
	}
	return *o.euid
}

func (o Options) name() string {
	if o.Name == "" {
		return DefaultName
	}
	return o.Name
}

// path puts an absolute /etc or /usr path under the test root.
func (o Options) path(p string) string { return filepath.Join(o.root, p) }

// nixConf is $NIX_CONF_DIR/nix.conf, by default /etc/nix/nix.conf.
func (o Options) nixConf() string {
	if dir := o.getenv("NIX_CONF_DIR"); dir != "" {
		return filepath.Join(dir, "nix.conf")
	}
	return o.path("/etc/nix/nix.conf")
}

func (o Options) daemonSocket() string {
	if o.daemonSoc != "" {
		return o.daemonSoc
	}
	return nixDaemonSocket
}
