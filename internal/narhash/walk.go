package narhash

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// lookahead is how many items the walk may be ahead of the hashing.
const lookahead = 32

// maxOpen is how many files (regular files opened ahead, being hashed or
// waiting to be closed, and the directory being listed) a walk keeps open
// at once, whatever the depth of the tree: far below the usual limit of
// 1024 per process (256 on macOS).
const maxOpen = 64

// fileSystem is what a walk reads besides lstat and readlink; tests count
// the files it keeps open.
type fileSystem interface {
	// openFile opens a regular file for reading.
	openFile(name string) (io.ReadCloser, error)
	// readDirNames lists a directory, and closes it before returning.
	readDirNames(name string) ([]string, error)
}

// found is what looking at a path found.
type found struct {
	mode   fs.FileMode
	size   int64
	file   io.ReadCloser // a regular file, open
	target string        // a symlink's target
	err    error
}

// item is one step of a walk, in NAR order: the node at path, the entry
// name in its directory (empty at the top), or the end of the directory
// whose item came last among those not yet ended.
type item struct {
	name, path string
	found
	end bool
}

// walk looks at a tree ahead of its hashing on its own goroutine, in NAR
// order, and closes the files that were hashed on another. Every open file
// holds one of the maxOpen tokens of open, from before it is opened until
// it is closed. While the walk waits for a token, the files holding the
// others are being hashed, or closed by stop or the closer, none of which
// waits for the walk: so it cannot deadlock.
type walk struct {
	fsys   fileSystem
	items  chan item      // the walk; closed at its end
	closer chan io.Closer // files to close
	open   chan struct{}  // a token per open file
	quit   chan struct{}  // closed by stop
	closed chan struct{}  // closed when the closer has closed everything
}

// startWalk starts walking the tree at path. Call stop when done.
func startWalk(path string, fsys fileSystem) *walk {
	w := &walk{fsys: fsys, items: make(chan item, lookahead), closer: make(chan io.Closer, lookahead),
		open: make(chan struct{}, maxOpen), quit: make(chan struct{}), closed: make(chan struct{})}
	go func() {
		defer close(w.items)
		w.node(path, "")
	}()
	go func() { // closing a file costs a system call: not on the hashing goroutine
		defer close(w.closed)
		for c := range w.closer {
			w.close(c)
		}
	}()
	return w
}

// stop ends the walk: it closes the files the walk looked at ahead and
// waits until every file is closed. The hashing must not send to closer
// any more.
func (w *walk) stop() {
	close(w.quit)
	for it := range w.items {
		if it.file != nil {
			w.close(it.file)
		}
	}
	close(w.closer)
	<-w.closed
}

func (w *walk) close(c io.Closer) {
	c.Close()
	<-w.open
}

// acquire takes a token for a file to open; false means stop was called.
func (w *walk) acquire() bool {
	select {
	case w.open <- struct{}{}:
		return true
	case <-w.quit:
		return false
	}
}

// send hands it to the hashing; false means stop was called, or it
// reports an error that ends the hash.
func (w *walk) send(it item) bool {
	select {
	case w.items <- it:
		return it.err == nil
	case <-w.quit:
		if it.file != nil {
			w.close(it.file)
		}
		return false
	}
}

// node looks at path, and walks it if it is a directory; false means the
// walk ends.
func (w *walk) node(path, name string) bool {
	it := item{name: name, path: path}
	fi, err := os.Lstat(path)
	if err != nil {
		it.err = err
		return w.send(it)
	}
	it.mode, it.size = fi.Mode(), fi.Size()
	var names []string
	switch {
	case it.mode.IsRegular():
		if !w.acquire() {
			return false
		}
		if it.file, it.err = w.fsys.openFile(path); it.err != nil {
			<-w.open
		}
	case it.mode&fs.ModeSymlink != 0:
		it.target, it.err = os.Readlink(path)
	case it.mode.IsDir():
		if !w.acquire() {
			return false
		}
		names, it.err = w.fsys.readDirNames(path)
		<-w.open
		sort.Strings(names) // byte order, as Nix's std::map<std::string, …>
	}
	if ok := w.send(it); !ok || !it.mode.IsDir() {
		return ok
	}
	for _, n := range names {
		if !w.node(filepath.Join(path, n), n) {
			return false
		}
	}
	return w.send(item{end: true})
}

func readDirNames(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	return names, err
}
