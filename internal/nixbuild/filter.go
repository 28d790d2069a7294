package nixbuild

import (
	"bytes"
	"io"
	"regexp"
)

// harmlessRE matches the lines Nix prints when parallel evaluations share
// its evaluation cache: Nix ignores the failure itself (it evaluates without
// the cache), so the line only alarms users.
var harmlessRE = regexp.MustCompile(`error \(ignored\): (error: )?SQLite database '[^']*eval-cache[^']*' is busy`)

// colourRE matches the terminal colour codes Nix puts around "error".
var colourRE = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// filterWriter passes whole lines to w, dropping the harmless ones. Call
// Flush at the end for a last line without a newline.
type filterWriter struct {
	w       io.Writer
	partial []byte
}

func (f *filterWriter) Write(p []byte) (int, error) {
	f.partial = append(f.partial, p...)
	for {
		i := bytes.IndexByte(f.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		f.emit(f.partial[:i+1])
		f.partial = f.partial[i+1:]
	}
}

// Flush writes what is left of an unfinished last line.
func (f *filterWriter) Flush() {
	if len(f.partial) > 0 {
		f.emit(f.partial)
		f.partial = nil
	}
}

func (f *filterWriter) emit(line []byte) {
	if !harmlessRE.Match(colourRE.ReplaceAll(line, nil)) {
		f.w.Write(line)
	}
}
