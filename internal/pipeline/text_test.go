package pipeline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestText(t *testing.T) {
	var b strings.Builder
	rep := NewText(&b)
	rep.Started("build:all")
	rep.Started("load:all")
	rep.Finished(Result{Step: "build:all", Status: Ran})
	rep.Done(Summary{
		Duration: 3*time.Minute + 2500*time.Millisecond,
		Results: []Result{
			{Step: "nix:check", Status: Cached, Duration: 40 * time.Millisecond, Why: "unchanged since its last success"},
			{Step: "build:all", Status: Ran, Duration: 3 * time.Minute, Summary: []string{"3 images"}, Why: "file nix/foo.nix changed"},
			{Step: "load:all", Status: Failed, Duration: 1200 * time.Millisecond, Err: errors.New("loading ollama: daemon gone\ndetail line")},
			{Step: "models:check", Status: Failed, Duration: 12 * time.Second, Err: errors.New("llama3: hash changed")},
			{Step: "smoke", Status: Skipped, Reason: "load:all failed"},
			{Step: "push:all", Status: Skipped, Duration: time.Second, Reason: "not on a fork"},
		},
	})
	want := `▸ build:all
▸ load:all
STEP          STATUS   TIME   NOTE
nix:check     cached   0.0s   unchanged since its last success
build:all     ran      3m0s   3 images; file nix/foo.nix changed
load:all      failed   1.2s   loading ollama: daemon gone
models:check  failed   12.0s  llama3: hash changed
smoke         skipped  -      load:all failed
push:all      skipped  1.0s   not on a fork
1 ran, 1 cached, 2 skipped, 2 failed in 3m3s

failures:
  load:all: loading ollama: daemon gone
    detail line
  models:check: llama3: hash changed
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}
