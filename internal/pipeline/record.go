package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// recordVersion is the format of record files; a record of another
// version counts as no record.
const recordVersion = 1

// record is what the cache keeps of a step's last success.
type record struct {
	Version int               `json:"version"`
	Step    string            `json:"step"`
	Key     string            `json:"key"`
	Code    string            `json:"code"`
	Inputs  map[string]string `json:"inputs"` // input name → digest
	Deps    map[string]string `json:"deps"`   // dependency → its key
	Made    map[string]string `json:"made"`   // dependency → digest of its output
	Output  Output            `json:"output,omitempty"`
	Summary []string          `json:"summary,omitempty"`
}

// computeKey returns the key of a step from everything it depends on:
// its name, the code version, its inputs' digests, and its dependencies'
// keys and outputs. encoding/json writes map keys sorted, so equal inputs
// give equal keys; nil maps count as empty ones.
func computeKey(step, code string, inputs, deps, made map[string]string) string {
	for _, m := range []*map[string]string{&inputs, &deps, &made} {
		if *m == nil {
			*m = map[string]string{}
		}
	}
	b, err := json.Marshal(struct {
		Version            int
		Step, Code         string
		Inputs, Deps, Made map[string]string
	}{recordVersion, step, code, inputs, deps, made})
	if err != nil {
		panic(err) // maps of strings always encode
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// outputDigest identifies an output by its contents; no output and an
// empty one are the same.
func outputDigest(out Output) string {
	if len(out) == 0 {
		out = nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic(err) // maps of strings always encode
	}
	return digest("output", string(b))
}

// store keeps one record file per step in a directory.
type store struct{ dir string }

// path returns the record file of a step: its name with anything but
// letters, digits, '.', '_' and '-' escaped as %XX, so "build:all" is
// build%3Aall.json.
func (s store) path(step string) string {
	var b strings.Builder
	for _, c := range []byte(step) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return filepath.Join(s.dir, b.String()+".json")
}

// errNoRecord says a step has never succeeded (or its record was removed).
var errNoRecord = errors.New("no record")

// read returns the record of a step's last success, errNoRecord if there
// is none, or another error if the file cannot be read or is not a whole,
// consistent record of this step.
func (s store) read(step string) (*record, error) {
	b, err := os.ReadFile(s.path(step))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoRecord
	}
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	switch {
	case r.Version != recordVersion:
		return nil, fmt.Errorf("record format %d, not %d", r.Version, recordVersion)
	case r.Step != step:
		return nil, fmt.Errorf("record of step %q", r.Step)
	case r.Key != computeKey(r.Step, r.Code, r.Inputs, r.Deps, r.Made):
		return nil, errors.New("its key does not match its inputs")
	}
	return &r, nil
}

// write saves r as its step's record: to a temporary file in the same
// directory, synced, then renamed over the old record, so a reader sees
// the old record or the new one, never part of one. Writers take the
// directory's lock, under which temporary files left by a writer that
// died are removed.
func (s store) write(ctx context.Context, r *record) (err error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	unlock, exclusive, err := lockFile(ctx, filepath.Join(s.dir, "lock"))
	if err != nil {
		return err
	}
	defer func() {
		if uerr := unlock(); err == nil {
			err = uerr
		}
	}()
	if exclusive {
		s.removeTemps()
	}
	path := s.path(r.Step)
	f, err := os.CreateTemp(s.dir, filepath.Base(path)+tempInfix+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()           //nolint:errcheck // already failing
			os.Remove(f.Name()) //nolint:errcheck // best effort
		}
	}()
	if _, err := f.Write(append(b, '\n')); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(s.dir)
}

// tempInfix marks a record being written.
const tempInfix = ".tmp-"

// removeTemps removes half-written records; only called under the lock,
// when no other writer can be writing one.
func (s store) removeTemps() {
	temps, _ := filepath.Glob(filepath.Join(s.dir, "*.json"+tempInfix+"*"))
	for _, t := range temps {
		os.Remove(t) //nolint:errcheck // best effort
	}
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close() //nolint:errcheck // read-only
	return d.Sync()
}
