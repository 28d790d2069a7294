package daemon

import (
	"fmt"
	"strings"

	"github.com/nanna-coder/build/internal/ui"
)

// progressThreshold is the smallest upload that gets a progress bar: shorter
// loads finish before a bar would tell anything.
const progressThreshold = 32 << 20

// newBar draws a byte counter for the upload of total bytes when enabled.
func newBar(opts Options, total int64) *ui.Bar {
	return ui.NewBar(opts.Log, opts.Progress && total >= progressThreshold, "streaming layers", total, ui.Binary)
}

// endBar fills and removes the bar when ok, else removes it.
func endBar(bar *ui.Bar, ok bool) {
	if ok {
		bar.Complete()
	} else {
		bar.Done()
	}
}

// layerLine reports one streamed layer under Verbose.
func layerLine(opts Options, a *artifact, i int, n int64) {
	if !opts.Verbose {
		return
	}
	fmt.Fprintf(ui.Or(opts.Log), "  layer %d/%d %s sent %s (%s)\n", i+1, len(a.JSON.Layers), ui.Short(a.JSON.Layers[i].DiffID.Encoded()), ui.Bytes(n), a.JSON.Layers[i].Describe())
}

// report prints the summary line, and under Verbose the held layers.
func report(opts Options, name string, res Result) {
	w := ui.Or(opts.Log)
	if opts.Verbose {
		for _, i := range res.Held {
			fmt.Fprintf(w, "  layer %d already in the daemon\n", i+1)
		}
	}
	if res.Present {
		fmt.Fprintf(w, "%s: already loaded as %s, tagged %s; nothing sent (%s)\n", name, ui.Short(res.ID.Encoded()), strings.Join(res.Refs, ", "), ui.Duration(res.Elapsed))
		return
	}
	rules := ""
	if res.Legacy != "" {
		rules = ", with the tar rules of " + res.Legacy
	}
	fmt.Fprintf(w, "%s: loaded %s through %s, %s sent (%s), %d already present, %s%s\n", name, ui.Short(res.ID.Encoded()), describePath(res), ui.Plural(len(res.Sent), "layer"), ui.Bytes(res.Bytes), len(res.Held), ui.Duration(res.Elapsed), rules)
}

// describePath names the way the image went in, with the store.
func describePath(res Result) string {
	switch res.ImageStore {
	case ContainerdStore:
		if res.Path == pathContainerd {
			return "the daemon's containerd (containerd image store)"
		}
		return "the Docker API (containerd image store)"
	case ClassicStore:
		return "the Docker API (classic image store)"
	case PodmanStore:
		return "the Podman API"
	}
	return "the Docker API"
}
