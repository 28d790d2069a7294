package nixbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nix-community/go-nix/pkg/nixbase32"
	"github.com/nix-community/go-nix/pkg/nixhash"

	"github.com/nanna-coder/build/internal/jsonerr"
	"github.com/nanna-coder/build/internal/narhash"
	"github.com/nanna-coder/build/internal/ui"
)

// probeTimeout bounds each nix command that decides whether the inputs
// are at hand. They read files and Nix's database and take milliseconds;
// the bound is for a Nix stuck on a lock, so that the decision cannot hang.
const probeTimeout = 30 * time.Second

// storeDir is the Nix store that fetched inputs are computed to be in.
const storeDir = "/nix/store"

// lockFile is the part of flake.lock that decides whether the inputs are
// at hand (versions 5 to 7, Nix 2.4 and later).
type lockFile struct {
	Version int                 `json:"version"`
	Root    string              `json:"root"`
	Nodes   map[string]lockNode `json:"nodes"`
}

type lockNode struct {
	// Inputs maps an input's name to a node name or, for follows, a
	// path of input names.
	Inputs map[string]json.RawMessage `json:"inputs"`
	Locked *struct {
		NarHash string `json:"narHash"`
	} `json:"locked"`
}

// unfetchable says why nix flake check on the flake in dir would have to
// reach the network to fetch its inputs, or "" when it would not: the
// flake has no inputs, or flake.lock pins every input flake.nix declares
// and every node of flake.lock is in the store already, where Nix looks
// for it (at the store path of its narHash) before fetching anything.
//
// It reads flake.lock itself and asks nix twice, offline and bounded by
// probeTimeout: which inputs flake.nix declares, and which of the inputs'
// store paths are valid. It never makes nix lock or fetch anything, since
// a Nix that locks tries the network first. The error is for a missing
// nix or a cancelled ctx; every other problem is a reason.
func unfetchable(ctx context.Context, dir string, opts Options) (string, error) {
	probe, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	declared, err := declaredInputs(probe, dir, opts)
	switch {
	case ctx.Err() != nil || errors.Is(err, ErrNixNotFound):
		return "", err
	case err != nil:
		return "flake.nix does not evaluate, so its inputs are unknown", nil
	case len(declared) == 0:
		return "", nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "flake.lock"))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("there is no flake.lock to pin %s; run nix flake lock with network access and commit flake.lock", ui.FirstN(declared, 5)), nil
	}
	if err != nil {
		return fmt.Sprintf("reading flake.lock: %v", err), nil
	}
	paths, why := lockedPaths(data, declared)
	if why != "" {
		return why, nil
	}
	valid, err := validPaths(probe, slices.Sorted(maps.Keys(paths)), opts)
	switch {
	case ctx.Err() != nil || errors.Is(err, ErrNixNotFound):
		return "", err
	case err != nil:
		return fmt.Sprintf("asking Nix which inputs are in the store: %v", err), nil
	}
	var missing []string
	for p, node := range paths {
		if !valid[p] {
			missing = append(missing, node)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Sprintf("%s not in the Nix store; nix flake archive fetches them", isAre(missing)), nil
	}
	return "", nil
}

// lockedPaths returns the store path of every node of flake.lock but the
// root, each with its node's name, or why it cannot: flake.lock does not
// parse, or it does not pin an input of declared, or a node has no hash.
func lockedPaths(data []byte, declared []string) (map[string]string, string) {
	var lock lockFile
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, fmt.Sprintf("flake.lock is not a lock file: %v", jsonerr.Describe(data, err))
	}
	if lock.Version < 5 || lock.Version > 7 {
		return nil, fmt.Sprintf("flake.lock has version %d, and only versions 5 to 7 are understood here", lock.Version)
	}
	root, ok := lock.Nodes[lock.Root]
	if !ok {
		return nil, fmt.Sprintf("flake.lock has no root node %q", lock.Root)
	}
	var unpinned []string
	for _, name := range declared {
		if _, ok := root.Inputs[name]; !ok {
			unpinned = append(unpinned, name)
		}
	}
	if len(unpinned) > 0 {
		return nil, fmt.Sprintf("flake.lock does not pin %s; run nix flake lock with network access and commit flake.lock", ui.FirstN(unpinned, 5))
	}
	paths := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(lock.Nodes)) {
		node := lock.Nodes[name]
		if name == lock.Root {
			continue
		}
		if node.Locked == nil || node.Locked.NarHash == "" {
			return nil, fmt.Sprintf("flake.lock has no narHash for input %s; run nix flake lock with network access", name)
		}
		p, err := sourcePath(node.Locked.NarHash)
		if err != nil {
			return nil, fmt.Sprintf("flake.lock has an invalid narHash for input %s: %v", name, err)
		}
		paths[p] = name
	}
	return paths, ""
}

// sourcePath returns the store path Nix fetches an input with NAR hash
// narHash to: the fixed-output path of a recursive SHA-256 named "source"
// (Nix's makeFixedOutputPath, which has no references to add).
func sourcePath(narHash string) (string, error) {
	h, err := narhash.Parse(narHash)
	if err != nil {
		return "", err
	}
	const name = "source"
	fingerprint := "source:sha256:" + hex.EncodeToString(h.Sum[:]) + ":" + storeDir + ":" + name
	sum := sha256.Sum256([]byte(fingerprint))
	return storeDir + "/" + nixbase32.EncodeToString(nixhash.CompressHash(sum[:], 20)) + "-" + name, nil
}

// inputsExpr lists the inputs a flake.nix declares: the attributes of
// inputs, and the arguments of outputs other than self, which Nix looks
// up in the flake registry.
const inputsExpr = `let f = import %s; in builtins.attrNames ((f.inputs or { }) // removeAttrs (builtins.functionArgs (f.outputs or (_: { }))) [ "self" ])`

// declaredInputs evaluates the flake.nix in dir as a plain Nix file, which
// fetches nothing, and returns the names of its inputs.
func declaredInputs(ctx context.Context, dir string, opts Options) ([]string, error) {
	file, err := filepath.Abs(filepath.Join(dir, "flake.nix"))
	if err != nil {
		return nil, err
	}
	args := nixArgs("eval", "--offline", "--impure", "--json", "--expr", fmt.Sprintf(inputsExpr, nixString(file)))
	stdout, stderr, err := opts.runner()(ctx, args, ui.Or(opts.Log))
	if err != nil {
		return nil, commandError(ctx, "evaluating the inputs of", file, err, stderr, opts.Log != nil)
	}
	var names []string
	if err := json.Unmarshal(stdout, &names); err != nil {
		return nil, fmt.Errorf("evaluating the inputs of %s: nix eval printed %q, not a list of names: %w", file, ui.Abbreviate(string(stdout), 200), jsonerr.Describe(stdout, err))
	}
	return names, nil
}

// nixString quotes s as a Nix string literal.
func nixString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(s) + `"`
}

// isAre joins names as "a is" or "a, b are".
func isAre(names []string) string {
	if len(names) == 1 {
		return names[0] + " is"
	}
	return ui.FirstN(names, 5) + " are"
}
