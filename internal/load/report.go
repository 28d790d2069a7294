package load

import (
	"fmt"
	"io"
	"strings"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/nanna-coder/build/internal/ui"
)

// progressThreshold is the smallest upload that gets a progress bar: shorter
// loads finish before a bar would tell anything.
const progressThreshold = 32 << 20

// progress draws a byte counter for the upload when enabled.
type progress struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

func newProgress(opts Options, total int64) *progress {
	if !opts.Progress || opts.Log == nil || total < progressThreshold {
		return &progress{}
	}
	p := mpb.New(mpb.WithOutput(opts.Log), mpb.WithWidth(40))
	bar := p.AddBar(total,
		mpb.PrependDecorators(decor.Name("streaming layers ")),
		mpb.AppendDecorators(decor.CountersKibiByte("% .1f / % .1f"), decor.Name(" "), decor.AverageSpeed(decor.SizeB1024(0), "% .1f")),
		mpb.BarRemoveOnComplete(),
	)
	return &progress{p: p, bar: bar}
}

// proxyReader counts what is read through r.
func (pr *progress) proxyReader(r io.Reader) io.Reader {
	if pr.bar == nil {
		return r
	}
	if rc, err := pr.bar.ProxyReader(r); err == nil {
		return rc
	}
	return r
}

// proxy counts what passes through w.
func (pr *progress) proxy(w io.Writer) io.Writer {
	if pr.bar == nil {
		return w
	}
	if pw, err := pr.bar.ProxyWriter(w); err == nil {
		return pw
	}
	return w
}

// done removes the bar.
func (pr *progress) done(ok bool) {
	if pr.bar == nil {
		return
	}
	if ok {
		pr.bar.SetTotal(-1, true)
	} else {
		pr.bar.Abort(true)
	}
	pr.p.Wait()
}

// layerLine reports one streamed layer under Verbose.
func layerLine(opts Options, a *artifact, i int, n int64) {
	if !opts.Verbose {
		return
	}
	fmt.Fprintf(logOf(opts), "  layer %d/%d %s sent %s (%s)\n", i+1, len(a.img.Layers), ui.Short(a.img.Layers[i].DiffID.Encoded()), ui.Bytes(n), layerWhat(a, i))
}

func layerWhat(a *artifact, i int) string {
	l := a.img.Layers[i]
	if l.LayerPath != "" {
		return l.LayerPath
	}
	paths := make([]string, 0, len(l.Paths))
	for _, sp := range l.Paths {
		paths = append(paths, sp.Path)
	}
	if len(paths) > 3 {
		paths = append(paths[:3], fmt.Sprintf("and %d more", len(paths)-3))
	}
	return strings.Join(paths, ", ")
}

// report prints the summary line, and under Verbose the held layers.
func report(opts Options, name string, res Result) {
	w := logOf(opts)
	if opts.Verbose {
		for _, i := range res.Held {
			fmt.Fprintf(w, "  layer %d already in the daemon\n", i+1)
		}
	}
	if res.Present {
		fmt.Fprintf(w, "%s: already loaded as %s, tagged %s; nothing sent (%s)\n", name, ui.Short(res.ID.Encoded()), strings.Join(res.Refs, ", "), res.Elapsed.Round(millisecond))
		return
	}
	rules := ""
	if res.Legacy != "" {
		rules = ", with the tar rules of " + res.Legacy
	}
	fmt.Fprintf(w, "%s: loaded %s through %s, %s sent (%s), %d already present, %s%s\n", name, ui.Short(res.ID.Encoded()), describePath(res), plural(len(res.Sent), "layer"), ui.Bytes(res.Bytes), len(res.Held), res.Elapsed.Round(millisecond), rules)
}

const millisecond = 1000000

// describePath names the way the image went in, with the store.
func describePath(res Result) string {
	switch res.Store {
	case Containerd:
		if res.Path == pathContainerd {
			return "the daemon's containerd (containerd image store)"
		}
		return "the Docker API (containerd image store)"
	case GraphDriver:
		return "the Docker API (classic image store)"
	case Podman:
		return "the Podman API"
	}
	return "the Docker API"
}

// plural is "1 layer", "2 layers".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
