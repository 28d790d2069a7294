package bench

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPrintPipeline(t *testing.T) {
	ms := func(d ...time.Duration) []measurement { return secs(d...) }
	met := map[string][]measurement{
		rowFloor:    ms(30*time.Millisecond, 10*time.Millisecond, 20*time.Millisecond),
		rowNoop:     ms(100 * time.Millisecond),
		rowNixFresh: ms(2100 * time.Millisecond),
		rowNix:      ms(50 * time.Millisecond),
		rowCI:       ms(600 * time.Millisecond),
		rowGoTool:   ms(400 * time.Millisecond),
	}
	missed := map[string][]measurement{
		rowFloor:    ms(20 * time.Millisecond),
		rowNoop:     ms(200 * time.Millisecond),
		rowNixFresh: ms(1400 * time.Millisecond),
		rowCI:       ms(2100 * time.Millisecond),
	}
	header := pipelineResult{nix: "nix (Nix) 2.8.0", engine: "Docker 20.10.24 (API 1.41, min 1.12), classic image store (overlay2) at unix:///d.sock", reps: 3}
	tests := []struct {
		name   string
		res    pipelineResult
		want   []string
		unwant []string
	}{
		{
			name: "every target met",
			res:  with(header, met, nil, "11 cached, 3 push steps skipped"),
			want: []string{
				"median of 3 runs\nnix (Nix) 2.8.0; Docker 20.10.24 (API 1.41, min 1.12), classic image store (overlay2) at unix:///d.sock\n",
				reportLine(rowFloor, "0.020", "\n"),
				reportLine(rowNoop, "0.100", "+0.080 s over the floor (target ≤ +0.150 s) ✔\n"),
				reportLine(rowNixFresh, "2.100", "21.0× the no-op (target ≥ 1.500 s) ✔\n"),
				reportLine(rowNix, "0.050", "0.5× the no-op\n"),
				reportLine(rowCI, "0.600", "11 cached, 3 push steps skipped (target ≤ 2.020 s, 2 s + the floor) ✔\n"),
				reportLine(rowGoTool, "0.400", "4.0× the compiled binary, which saves 0.300 s\n"),
				"--no-eval-cache: current Nix does not use its evaluation cache for a dirty Git",
			},
			unwant: []string{"✘", "failed"},
		},
		{
			name: "every target missed",
			res:  with(header, missed, nil, "11 cached"),
			want: []string{
				"+0.180 s over the floor (target ≤ +0.150 s) ✘",
				"(target ≥ 1.500 s) ✘",
				"(target ≤ 2.020 s, 2 s + the floor) ✘",
			},
			unwant: []string{"✔", rowGoTool, rowNix + " "},
		},
		{
			name: "failures",
			res: with(header, map[string][]measurement{rowNixFresh: ms(2 * time.Second), rowGoTool: ms(time.Second), rowCI: ms(time.Second)},
				map[string]string{rowFloor: "exit status 2", rowNoop: "build:ollama not cached, though nothing changed:"}, ""),
			want: []string{
				reportLine(rowFloor, "-", "failed: exit status 2\n"),
				reportLine(rowNoop, "-", "failed: build:ollama not cached"),
				reportLine(rowNixFresh, "2.000", "(target ≥ 1.500 s) ✔\n"),
				reportLine(rowCI, "1.000", "\n"),
				"no compiled no-op to compare with",
			},
			unwant: []string{"NaN", "Inf", "over the floor", "× the no-op"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			printPipeline(&out, tt.res)
			checkReport(t, out.String(), tt.want, tt.unwant)
		})
	}
}

// reportLine is a row of the report as printPipeline aligns it.
func reportLine(name, seconds, rest string) string {
	if !strings.HasPrefix(rest, "\n") {
		rest = "  " + rest
	}
	return fmt.Sprintf("%-52s %9s", name, seconds) + rest
}

// with returns res with the measurements, failures and ci's note.
func with(res pipelineResult, times map[string][]measurement, failed map[string]string, ciNote string) pipelineResult {
	res.times, res.failed, res.notes = times, failed, map[string]string{rowCI: ciNote}
	return res
}
