package bench

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/daemon"
)

func TestMedian(t *testing.T) {
	ms := []measurement{{elapsed: 3 * time.Second}, {elapsed: time.Second}, {elapsed: 2 * time.Second}}
	if got := median(ms).elapsed; got != 2*time.Second {
		t.Errorf("median() = %v, want 2s", got)
	}
}

func secs(ds ...time.Duration) []measurement {
	var out []measurement
	for _, d := range ds {
		out = append(out, measurement{elapsed: d})
	}
	return out
}

func TestPrintDaemon(t *testing.T) {
	classic := engineInfo{Version: "20.10.24", API: "1.41", MinAPI: "1.12", Store: daemon.ClassicStore, Driver: "overlay2"}
	containerd := engineInfo{Version: "29.0.1", API: "1.52", MinAPI: "1.44", Store: daemon.ContainerdStore, Driver: "overlayfs"}
	full := map[string][]measurement{
		rowDocker:        secs(4 * time.Second),
		rowCold:          {{elapsed: 4400 * time.Millisecond, maxRSS: 25 << 20}},
		rowTop:           {{elapsed: 440 * time.Millisecond, maxRSS: 70 << 20}},
		rowRepeat:        secs(200 * time.Millisecond),
		rowInProcess:     secs(30*time.Millisecond, 5*time.Millisecond, 6*time.Millisecond),
		rowDockerPresent: secs(1500 * time.Millisecond),
		rowReload:        secs(50 * time.Millisecond),
		rowSkopeo:        secs(6 * time.Second),
	}
	tests := []struct {
		name   string
		res    daemonResult
		want   []string
		unwant []string
	}{
		{
			name: "every row",
			res:  daemonResult{daemon: Daemon{"DOCKER_HOST", "unix:///a.sock"}, info: classic, times: full, rounds: 3},
			want: []string{
				"== DOCKER_HOST=unix:///a.sock: Docker 20.10.24 (API 1.41, min 1.12), classic image store (overlay2), median of 3 rounds",
				"1.10× docker load (target ≤ 1.15): met", "0.10× cold (target ≤ 0.25): met",
				"target ≤ 0.300 s: met", "0.006  target ≤ 0.020 s: met",
				"30.0× faster than docker load -i of it (target ≥ 5×): met", "1.50× docker load",
				"70.0 MiB  target ≤ 64 MiB: NOT met",
			},
		},
		{
			name: "failed loads, skopeo out of reach",
			res: daemonResult{
				daemon: Daemon{"NANNA_DOCKER29_HOST", "unix:///b.sock"}, info: containerd, rounds: 3,
				times:  map[string][]measurement{rowDocker: secs(time.Second), rowDockerPresent: secs(time.Second)},
				failed: map[string]string{rowCold: "tagging nanna-bench:latest: No such image", rowTop: "tagging nanna-bench:top: No such image"},
				skopeo: "skopeo: cannot reach API ≥ 1.44 (skopeo 1.9.3 speaks 1.22)",
			},
			want: []string{
				"containerd image store (overlayfs)",
				"load:json cold                                           -  load failed: tagging nanna-bench:latest: No such image",
				"load failed: tagging nanna-bench:top",
				"-  skopeo: cannot reach API ≥ 1.44 (skopeo 1.9.3 speaks 1.22)",
				"docker load -i, image already present                1.000\n",
			},
			unwant: []string{"peak RSS", "NaN", "Inf"},
		},
		{
			name: "reference failed",
			res: daemonResult{
				daemon: Daemon{"-hosts", "unix:///c.sock"}, info: classic, rounds: 1,
				times:  map[string][]measurement{rowCold: secs(time.Second), rowReload: secs(time.Second)},
				failed: map[string]string{rowDocker: "exit status 1", rowDockerPresent: "exit status 1"},
			},
			want: []string{"no docker load to compare with", "no docker load of the present image to compare with"},
		},
		{
			name:   "unreachable",
			res:    daemonResult{daemon: Daemon{"NANNA_DOCKER29_CLASSIC_HOST", "unix:///d.sock"}, err: errors.New("Docker daemon unavailable at unix:///d.sock: nothing answers there\nmore")},
			want:   []string{"== NANNA_DOCKER29_CLASSIC_HOST=unix:///d.sock: unreachable: Docker daemon unavailable at unix:///d.sock: nothing answers there\n"},
			unwant: []string{"measurement", "more"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			printDaemon(&out, tt.res)
			checkReport(t, out.String(), tt.want, tt.unwant)
		})
	}
}

// checkReport fails t unless report has every string of want and none of
// unwant.
func checkReport(t *testing.T, report string, want, unwant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(report, w) {
			t.Errorf("report lacks %q:\n%s", w, report)
		}
	}
	for _, u := range unwant {
		if strings.Contains(report, u) {
			t.Errorf("report has %q:\n%s", u, report)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"stderr's last line", &commandError{args: []string{"mage", "load:json"}, err: errors.New("exit status 1"), stderr: "Error: loading x: tagging: No such image\n\n"}, "loading x: tagging: No such image"},
		{"no stderr", &commandError{args: []string{"docker"}, err: errors.New("exit status 1")}, "exit status 1"},
		{"plain error, first line", errors.New("loading nanna-bench:latest: tagging: no such image\ndetail"), "loading nanna-bench:latest: tagging: no such image"},
		{"digests shortened", &commandError{err: errors.New("exit status 1"), stderr: "Error: loading a: tagging sha256:7053bd188c74622464f3c5160ebeb2708620cc506483f4070c200a78c4033c91 as a: No such image"},
			"loading a: tagging sha256:7053bd188c74 as a: No such image"},
		{"long", errors.New(strings.Repeat("x", 300)), strings.Repeat("x", 199) + "…"},
	}
	for _, tt := range tests {
		if got := summary(tt.err); got != tt.want {
			t.Errorf("%s: summary() = %q, want %q", tt.name, got, tt.want)
		}
	}
}
