package tasks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
)

// RunOptions control one run of the pipeline.
type RunOptions struct {
	// Force runs every step, ignoring the cache (-force).
	Force bool
	// Explain says per step why it ran or was cached (-explain).
	Explain bool
	// Reporter receives the run's events.
	Reporter pipeline.Reporter
	// CacheDir overrides where the steps' records are kept; empty means
	// nanna-coder/pipeline/<checkout> in the user's cache directory.
	CacheDir string
}

// Run runs targets (step names; none: every step) of p's pipeline and
// what they need, each once.
func Run(ctx context.Context, p *project.Project, opts Options, run RunOptions, targets ...string) (pipeline.Summary, error) {
	cache := run.CacheDir
	if cache == "" {
		dir, err := CacheDir(p.Root)
		if err != nil {
			return pipeline.Summary{}, err
		}
		cache = dir
	}
	e, err := pipeline.New(pipeline.Options{
		CacheDir:    cache,
		CodeVersion: CodeVersion(),
		Dir:         p.Root,
		Force:       run.Force,
		Explain:     run.Explain,
		Reporter:    run.Reporter,
	})
	if err != nil {
		return pipeline.Summary{}, err
	}
	return e.Run(ctx, Steps(p, opts), targets...)
}

// CacheDir is where the records of the checkout at root are kept: one
// directory per checkout, so that two clones do not replace each other's
// records.
func CacheDir(root string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory (set XDG_CACHE_HOME or HOME): %w", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("finding the checkout %s: %w", root, err)
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(base, "nanna-coder", "pipeline", filepath.Base(abs)+"-"+hex.EncodeToString(sum[:6])), nil
}

// module is this module's path: the steps' code.
const module = "github.com/nanna-coder/build"

// CodeVersion identifies the code of the steps: this module's version when
// another module (nanna-coder's magefiles) requires it, else the VCS
// revision this module was built from; a build from a modified tree adds
// the executable's size and time, which change whenever it is rebuilt.
func CodeVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, dep := range info.Deps {
		if dep.Path == module {
			if dep.Replace != nil {
				dep = dep.Replace
			}
			if dep.Version != "" && dep.Version != "(devel)" { // a local replacement or a build in this repository has none
				return dep.Path + "@" + dep.Version + " " + dep.Sum
			}
			return module + executableStamp()
		}
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return info.Main.Path + "@" + v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && modified == "false" {
		return info.Main.Path + "@" + rev
	}
	return info.Main.Path + "@" + rev + executableStamp()
}

// executableStamp identifies the running executable's code: its Go build
// ID ("+" and the ID), which changes exactly when what it was built from
// changes (go tool mage relinks the targets on every run, so the file's
// time would change every run), or where there is none "+SIZE-MTIME".
func executableStamp() string {
	exe, err := os.Executable()
	if err != nil {
		return "+unknown"
	}
	if id, err := buildID(exe); err == nil {
		return "+" + id
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "+unknown"
	}
	return fmt.Sprintf("+%d-%d", fi.Size(), fi.ModTime().UnixNano())
}

// buildID reads the Go build ID of the ELF executable at path from its
// .note.go.buildid section, reading no more than the headers and the note.
func buildID(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close() //nolint:errcheck // read-only
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return "", errors.New("no Go build ID note")
	}
	note, err := sec.Data()
	if err != nil {
		return "", err
	}
	// An ELF note: namesz, descsz, type (4 bytes each), "Go\x00\x00", the ID.
	const header = 16
	if len(note) <= header || !bytes.Equal(note[12:16], []byte("Go\x00\x00")) {
		return "", errors.New("malformed Go build ID note")
	}
	return string(bytes.TrimRight(note[header:], "\x00")), nil
}
