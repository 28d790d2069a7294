package nix2container

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// node is an entry of the layer's file tree, keyed by destination (tar) path.
type node struct {
	children map[string]*node
	// src is the logical source path; "" for directories never walked.
	src string
	// info is the Lstat result of src; nil for directories never walked.
	info fs.FileInfo
	// rules are the compiled options of the Path that supplied the entry.
	rules *pathRules
}

// pathRules holds the compiled options of one Path.
type pathRules struct {
	options *PathOptions
	rewrite *regexp.Regexp
	perms   []compiledPerm
}

// compiledPerm is a Perm with its regex compiled.
type compiledPerm struct {
	Perm
	re *regexp.Regexp
}

// compileRules compiles the rewrite and perms regexes of p.
func compileRules(p Path) (*pathRules, error) {
	pr := &pathRules{options: p.Options}
	if p.Options == nil {
		return pr, nil
	}
	if p.Options.Rewrite.Regex != "" {
		re, err := regexp.Compile(p.Options.Rewrite.Regex)
		if err != nil {
			return nil, fmt.Errorf("compiling rewrite regex of %s: %w", p.Path, err)
		}
		pr.rewrite = re
	}
	for j, perm := range p.Options.Perms {
		re, err := regexp.Compile(perm.Regex)
		if err != nil {
			return nil, fmt.Errorf("compiling perms[%d] regex of %s: %w", j, p.Path, err)
		}
		pr.perms = append(pr.perms, compiledPerm{Perm: perm, re: re})
	}
	return pr, nil
}

// destination maps a logical source path to its tar path.
func (pr *pathRules) destination(src string) string {
	if pr.rewrite == nil {
		return src
	}
	return pr.rewrite.ReplaceAllString(src, pr.options.Rewrite.Repl)
}

// buildTree walks every path of the layer, in order, into one tree.
func buildTree(ctx context.Context, paths []Path, o Store) (*node, error) {
	root := newNode()
	for _, p := range paths {
		pr, err := compileRules(p)
		if err != nil {
			return nil, err
		}
		err = walk(ctx, p.Path, o, func(src string, info fs.FileInfo) error {
			return root.insert(pr.destination(src), src, info, pr)
		})
		if err != nil {
			return nil, err
		}
	}
	return root, nil
}

func newNode() *node {
	return &node{children: make(map[string]*node)}
}

// insert adds the entry src at destination dst, creating missing parents.
// An existing entry must have the same mode (and size for regular files);
// the last writer's source, info and rules win.
func (n *node) insert(dst, src string, info fs.FileInfo, pr *pathRules) error {
	if dst == "" {
		return nil
	}
	cur := n
	for _, part := range splitPath(dst) {
		child, ok := cur.children[part]
		if !ok {
			child = newNode()
			cur.children[part] = child
		}
		cur = child
	}
	if cur.info != nil {
		if cur.info.Mode() != info.Mode() {
			return fmt.Errorf("adding %s as %s: %s already added it with mode %v, this one has mode %v",
				src, dst, cur.src, cur.info.Mode(), info.Mode())
		}
		if cur.info.Mode().IsRegular() && cur.info.Size() != info.Size() {
			return fmt.Errorf("adding %s as %s: %s already added it with size %d, this one has size %d",
				src, dst, cur.src, cur.info.Size(), info.Size())
		}
	}
	if cur.rules != nil && cur.rules.options != nil && !reflect.DeepEqual(cur.rules.options.Perms, permsOf(pr.options)) {
		return fmt.Errorf("adding %s as %s: %s already added it with different perms", src, dst, cur.src)
	}
	cur.info = info
	cur.rules = pr
	cur.src = src
	return nil
}

func permsOf(o *PathOptions) []Perm {
	if o == nil {
		return nil
	}
	return o.Perms
}

// splitPath splits a destination path into components as nix2container
// does: "/a/b" gives "", "a", "b", and "/" gives a single "".
func splitPath(p string) []string {
	parts := strings.Split(filepath.Clean(p), "/")
	if len(parts) == 2 && parts[0] == "" && parts[1] == "" {
		return []string{""}
	}
	return parts
}

// walk visits the store path logical and, when it is a directory,
// everything below it in lexical order, like filepath.Walk: symlinks are
// not followed, not even when logical itself is one (it is cleaned first, so
// a trailing slash cannot make Lstat follow it). Files are read under o.Root.
func walk(ctx context.Context, logical string, o Store, fn func(string, fs.FileInfo) error) error {
	if err := confineStorePath(logical); err != nil {
		return fmt.Errorf("path %w", err)
	}
	logical = path.Clean(logical)
	info, err := os.Lstat(o.fsPath(logical))
	if err != nil {
		return fmt.Errorf("reading store path %s: %w", logical, err)
	}
	return walkEntry(ctx, logical, info, o, fn)
}

func walkEntry(ctx context.Context, logical string, info fs.FileInfo, o Store, fn func(string, fs.FileInfo) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := fn(logical, info); err != nil {
		return err
	}
	if !info.IsDir() {
		return nil
	}
	names, err := readDirNames(o.fsPath(logical))
	if err != nil {
		return fmt.Errorf("reading directory %s: %w", logical, err)
	}
	for _, name := range names {
		child := filepath.Join(logical, name)
		ci, err := os.Lstat(o.fsPath(child))
		if err != nil {
			return fmt.Errorf("reading %s: %w", child, err)
		}
		if err := walkEntry(ctx, child, ci, o, fn); err != nil {
			return err
		}
	}
	return nil
}

// readDirNames returns the sorted entry names of a directory.
func readDirNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	names, err := f.Readdirnames(-1)
	closeErr := f.Close()
	if err != nil {
		return nil, err
	}
	if closeErr != nil {
		return nil, closeErr
	}
	sort.Strings(names)
	return names, nil
}
