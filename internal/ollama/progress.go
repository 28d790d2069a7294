package ollama

import (
	"io"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Bar is a byte progress bar on a terminal, or nothing.
type Bar struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

// NewBar draws a bar titled title for total bytes on w when enabled (w is a
// terminal); otherwise the Bar does nothing. Call Done when finished.
func NewBar(w io.Writer, enabled bool, title string, total int64) *Bar {
	if !enabled || w == nil || total <= 0 {
		return &Bar{}
	}
	p := mpb.New(mpb.WithOutput(w), mpb.WithWidth(40))
	bar := p.AddBar(total,
		mpb.PrependDecorators(decor.Name(title+" ")),
		mpb.AppendDecorators(decor.CountersKiloByte("% .1f / % .1f"), decor.Name(" "), decor.AverageSpeed(decor.SizeB1000(0), "% .1f")),
		mpb.BarRemoveOnComplete(),
	)
	return &Bar{p: p, bar: bar}
}

// Add counts n more bytes.
func (b *Bar) Add(n int64) {
	if b.bar != nil {
		b.bar.IncrInt64(n)
	}
}

// Write counts len(p) bytes, so that the bar can sit in an io.MultiWriter.
func (b *Bar) Write(p []byte) (int, error) {
	b.Add(int64(len(p)))
	return len(p), nil
}

// Above returns a writer for lines printed while the bar is drawn: they
// go above the bar. Without a bar it returns w.
func (b *Bar) Above(w io.Writer) io.Writer {
	if b.p != nil {
		return b.p
	}
	return w
}

// Done removes the bar and waits until it is gone from the terminal.
func (b *Bar) Done() {
	if b.bar == nil {
		return
	}
	b.bar.Abort(true)
	b.p.Wait()
}
