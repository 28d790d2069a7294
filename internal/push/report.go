package push

import (
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/nanna-coder/build/internal/nix2container"
	"github.com/nanna-coder/build/internal/ui"
)

// progressThreshold is the smallest push that gets a progress bar.
const progressThreshold = 32 << 20

// report prints the summary line, and under Verbose a line per layer.
func report(opts Options, res Result) {
	w := ui.Or(opts.Log)
	if opts.Verbose {
		for _, p := range res.Platforms {
			fmt.Fprintf(w, "  %s: manifest %s, config %s\n", p.Platform, p.Digest, p.Config)
		}
		for i, b := range res.Blobs {
			state := "already in the registry"
			if b.Sent {
				state = "sent " + ui.Bytes(b.Size)
			}
			fmt.Fprintf(w, "  layer %d/%d %s %s (%s)\n", i+1, len(res.Blobs), ui.Short(b.Digest.Encoded()), state, b.What)
		}
	}
	sent, bytes := res.Sent()
	what := "pushed " + ui.Short(res.Digest.Encoded())
	switch {
	case len(res.Platforms) > 0:
		plats := make([]string, len(res.Platforms))
		for i, p := range res.Platforms {
			plats[i] = p.Platform
		}
		what = fmt.Sprintf("pushed index %s (%s)", ui.Short(res.Digest.Encoded()), strings.Join(plats, ", "))
	case res.Config != "":
		what += " (image " + ui.Short(res.Config.Encoded()) + ")"
	}
	name := describe(res.Refs, "")
	if sent == 0 && res.ConfigsSent == 0 {
		fmt.Fprintf(w, "%s: %s; nothing sent, the registry had every blob (%s)\n", name, what, ui.Duration(res.Elapsed))
		return
	}
	fmt.Fprintf(w, "%s: %s, %s sent (%s), %d already in the registry, %s\n", name, what, ui.Plural(sent, "layer"), ui.Bytes(bytes), len(res.Blobs)-sent, ui.Duration(res.Elapsed))
}

// noteRules prints, before anything is sent, the line saying that the
// image is read with an older nix2container's tar rules.
func noteRules(opts Options, prefix string, m nix2container.RulesMatch) {
	if note := m.Note("pushing"); note != "" && opts.Log != nil {
		fmt.Fprintln(opts.Log, prefix+note)
	}
}

// progress draws go-containerregistry's progress updates as a bar, for
// pushes of at least progressThreshold bytes. The bar's total is the size
// of every blob, known up front; blobs the registry has count as done.
type progress struct {
	updates chan v1.Update
	stopped chan struct{}
}

// newProgress returns nil unless a bar is drawn.
func newProgress(opts Options, total int64) *progress {
	if !opts.Progress || opts.Log == nil || total < progressThreshold {
		return nil
	}
	p := &progress{updates: make(chan v1.Update, 64), stopped: make(chan struct{})}
	go p.run(opts.Log, total)
	return p
}

func (p *progress) run(w io.Writer, total int64) {
	defer close(p.stopped)
	bar := ui.NewBar(w, true, "pushing", total, ui.Binary)
	for u := range p.updates {
		if u.Error == nil {
			bar.SetCurrent(min(u.Complete, total))
		}
	}
	bar.Done()
}

// done stops the bar.
func (p *progress) done() {
	close(p.updates)
	<-p.stopped
}
