package doctor

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// Machine is what the checks read of the machine. Host returns the real
// one; tests fill in fakes.
type Machine struct {
	// Getenv reads an environment variable.
	Getenv func(string) string
	// Run runs a program and returns its standard output and standard
	// error apart; err is set when it could not start or exited non-zero.
	Run func(ctx context.Context, name string, args ...string) (stdout, stderr string, err error)
	// LookPath finds a program on PATH.
	LookPath func(string) (string, error)
	// Euid is the effective user ID.
	Euid int
	// GroupMembers returns the members of a group and whether it exists.
	GroupMembers func(name string) (members []string, ok bool)
	// FreeBytes returns the space available to this user on the file
	// system that holds path, and that file system's device ID.
	FreeBytes func(path string) (free uint64, device uint64, err error)
	// Exists reports whether a path exists.
	Exists func(path string) bool
	// Writable reports whether this user may create files in a directory.
	Writable func(dir string) bool
}

// Host returns the machine this process runs on.
func Host(getenv func(string) string) Machine {
	return Machine{
		Getenv:       getenv,
		Run:          run,
		LookPath:     exec.LookPath,
		Euid:         os.Geteuid(),
		GroupMembers: groupMembers,
		FreeBytes:    freeBytes,
		Exists:       func(p string) bool { _, err := os.Stat(p); return err == nil },
		Writable:     func(dir string) bool { return syscall.Access(dir, 2) == nil },
	}
}

func run(ctx context.Context, name string, args ...string) (string, string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return strings.TrimSpace(stdout.String()), strings.TrimSpace(stderr.String()), err
}

// groupMembers reads /etc/group, where Nix's build users are listed.
func groupMembers(name string) ([]string, bool) {
	f, err := os.Open("/etc/group")
	if err != nil {
		return nil, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 4 || fields[0] != name {
			continue
		}
		if fields[3] == "" {
			return nil, true
		}
		return strings.Split(fields[3], ","), true
	}
	return nil, false
}

func freeBytes(path string) (uint64, uint64, error) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(path, &fs); err != nil {
		return 0, 0, err
	}
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, 0, err
	}
	return fs.Bavail * uint64(fs.Bsize), uint64(st.Dev), nil
}
