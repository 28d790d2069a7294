package ui

import (
	"io"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Units says how a Bar counts bytes.
type Units int

const (
	// Binary counts in KiB, MiB, … (image layers, as Docker shows them).
	Binary Units = iota
	// Decimal counts in kB, MB, … (models, as ollama shows them).
	Decimal
)

// Bar is a byte progress bar on a terminal, or nothing. Its methods do
// nothing on a Bar that is not drawn.
type Bar struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

// NewBar draws a bar titled title for total bytes on w when enabled (w is
// a terminal); otherwise, or when w is nil or total is not positive, the
// Bar does nothing. Call Done or Complete when finished.
func NewBar(w io.Writer, enabled bool, title string, total int64, u Units) *Bar {
	if !enabled || w == nil || total <= 0 {
		return &Bar{}
	}
	counters, speed := decor.CountersKibiByte("% .1f / % .1f"), decor.AverageSpeed(decor.SizeB1024(0), "% .1f")
	if u == Decimal {
		counters, speed = decor.CountersKiloByte("% .1f / % .1f"), decor.AverageSpeed(decor.SizeB1000(0), "% .1f")
	}
	p := mpb.New(mpb.WithOutput(w), mpb.WithWidth(40))
	bar := p.AddBar(total,
		mpb.PrependDecorators(decor.Name(title+" ")),
		mpb.AppendDecorators(counters, decor.Name(" "), speed),
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

// SetCurrent sets the count of bytes done.
func (b *Bar) SetCurrent(n int64) {
	if b.bar != nil {
		b.bar.SetCurrent(n)
	}
}

// Write counts len(p) bytes, so that the bar can sit in an io.MultiWriter.
func (b *Bar) Write(p []byte) (int, error) {
	b.Add(int64(len(p)))
	return len(p), nil
}

// ProxyReader returns r, counting what is read through it on the bar.
func (b *Bar) ProxyReader(r io.Reader) io.Reader {
	if b.bar == nil {
		return r
	}
	if rc, err := b.bar.ProxyReader(r); err == nil {
		return rc
	}
	return r
}

// ProxyWriter returns w, counting what is written through it on the bar.
func (b *Bar) ProxyWriter(w io.Writer) io.Writer {
	if b.bar == nil {
		return w
	}
	if pw, err := b.bar.ProxyWriter(w); err == nil {
		return pw
	}
	return w
}

// Above returns a writer for lines printed while the bar is drawn: they
// go above the bar. Without a bar it returns w.
func (b *Bar) Above(w io.Writer) io.Writer {
	if b.p != nil {
		return b.p
	}
	return w
}

// Done removes the bar, wherever it stood, and waits until it is gone
// from the terminal.
func (b *Bar) Done() {
	if b.bar == nil {
		return
	}
	b.bar.Abort(true)
	b.p.Wait()
}

// Complete fills the bar, removes it and waits until it is gone from the
// terminal.
func (b *Bar) Complete() {
	if b.bar == nil {
		return
	}
	b.bar.SetTotal(-1, true)
	b.p.Wait()
}
