package bench

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	ms := []measurement{{elapsed: 3 * time.Second}, {elapsed: time.Second}, {elapsed: 2 * time.Second}}
	if got := median(ms).elapsed; got != 2*time.Second {
		t.Errorf("median() = %v, want 2s", got)
	}
}

func TestPrintReport(t *testing.T) {
	s := spec{Layers: 12, FilesPerLayer: 5, FileSize: 5 << 20}
	results := map[string][]measurement{
		"docker load -i (prebuilt archive)": {{elapsed: 4 * time.Second}},
		"load:json cold":                    {{elapsed: 4400 * time.Millisecond, maxRSS: 25 << 20}},
		"load:json repeat (go tool mage)":   {{elapsed: 200 * time.Millisecond}},
		"load:json top layer changed":       {{elapsed: 440 * time.Millisecond, maxRSS: 70 << 20}},
	}
	var out bytes.Buffer
	printReport(&out, s, results)
	for _, want := range []string{"300 MiB", "1.10× docker load", "target ≤ 0.300 s: met", "0.10× cold", "70.0 MiB  target ≤ 64 MiB: NOT met"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
