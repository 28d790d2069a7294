package bench

import (
	"fmt"
	"io"
	"time"
)

// limitedBuffer keeps the last few KiB a command printed.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.b = append(l.b, p...)
	if len(l.b) > 8192 {
		l.b = l.b[len(l.b)-8192:]
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }

func printReport(w io.Writer, s spec, results map[string][]measurement) {
	total := float64(int64(s.Layers)*int64(s.FilesPerLayer)*s.FileSize) / (1 << 20)
	ref := median(results["docker load -i (prebuilt archive)"]).elapsed
	cold := median(results["load:json cold"])
	fmt.Fprintf(w, "\nbench:load: %d layers, %.0f MiB, median of %d rounds\n", s.Layers, total, len(results["load:json cold"]))
	fmt.Fprintf(w, "%-48s %9s  %s\n", "measurement", "seconds", "ratio")
	line := func(name string, m measurement, ratio string) {
		fmt.Fprintf(w, "%-48s %9.3f  %s\n", name, m.elapsed.Seconds(), ratio)
	}
	line("docker load -i (prebuilt archive)", median(results["docker load -i (prebuilt archive)"]), "1.00 (the daemon's own ingest)")
	line("load:json cold", cold, fmt.Sprintf("%.2f× docker load (target ≤ 1.15)", ratio(cold.elapsed, ref)))
	rep := median(results["load:json repeat (go tool mage)"])
	line("load:json repeat (whole go tool mage process)", rep, fmt.Sprintf("target ≤ 0.300 s: %s", verdict(rep.elapsed <= 300*time.Millisecond)))
	top := median(results["load:json top layer changed"])
	line("load:json after the top layer changed", top, fmt.Sprintf("%.2f× cold (target ≤ 0.25)", ratio(top.elapsed, cold.elapsed)))
	if sk, ok := results["skopeo copy docker-archive: → docker-daemon:"]; ok {
		line("skopeo docker-archive: → docker-daemon:", median(sk), fmt.Sprintf("%.2f× docker load", ratio(median(sk).elapsed, ref)))
	}
	peak := int64(0)
	for _, name := range []string{"load:json cold", "load:json top layer changed"} {
		for _, m := range results[name] {
			peak = max(peak, m.maxRSS)
		}
	}
	fmt.Fprintf(w, "%-48s %6.1f MiB  target ≤ 64 MiB: %s\n", "peak RSS of the loader process", float64(peak)/(1<<20), verdict(peak <= 64<<20))
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
