package bench

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

// requireCached returns an error unless out, what a single target such as
// load:ollama printed, says that each of steps was cached: a line
// "STEP cached: …" (the line a single target prints for a step it did not
// run). A step that ran prints no such line.
func requireCached(out string, steps ...string) error {
	var ran []string
	for _, s := range steps {
		if !hasLinePrefix(out, s+" cached") {
			ran = append(ran, s)
		}
	}
	if len(ran) > 0 {
		return fmt.Errorf("%s not cached, though nothing changed:\n%s", strings.Join(ran, ", "), strings.TrimSpace(out))
	}
	return nil
}

// statuses are the values of ci's STATUS column.
func statuses() []pipeline.Status {
	return []pipeline.Status{pipeline.Ran, pipeline.Cached, pipeline.Skipped, pipeline.Failed}
}

// countsLine matches the line after ci's table: "11 cached, 3 skipped in 0.1s".
func countsLine() *regexp.Regexp {
	return regexp.MustCompile(`^\d+ [a-z]+(, \d+ [a-z]+)* in \S+\s*$`)
}

func hasLinePrefix(out, prefix string) bool {
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}

// ciAllCached reads the table `mage ci` prints outside GitHub Actions (a
// header STEP STATUS TIME NOTE, a row per step) and returns a note such as
// "11 cached, 3 push steps skipped"; it returns an error naming the steps
// that were neither cached nor, for push steps, skipped (ci pushes only on
// GitHub Actions), or when there is no table.
func ciAllCached(out string) (string, error) {
	var cached, skipped int
	var others []string
	inTable := false
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "STEP" && f[1] == "STATUS" {
			inTable = true
			continue
		}
		if !inTable {
			continue
		}
		if countsLine().MatchString(line) || len(f) < 3 || !slices.Contains(statuses(), pipeline.Status(f[1])) {
			break // the counts after the table, or the failures
		}
		switch step, status := f[0], pipeline.Status(f[1]); {
		case status == pipeline.Cached:
			cached++
		case status == pipeline.Skipped && strings.HasPrefix(step, "push:"):
			skipped++
		default:
			others = append(others, step+" "+string(status))
		}
	}
	switch {
	case len(others) > 0:
		return "", fmt.Errorf("ci with nothing changed: %s; every step should be cached:\n%s", strings.Join(others, ", "), strings.TrimSpace(out))
	case cached == 0:
		return "", fmt.Errorf("ci printed no table of its steps:\n%s", strings.TrimSpace(out))
	}
	note := fmt.Sprintf("%d cached", cached)
	if skipped > 0 {
		note += ", " + ui.Plural(skipped, "push step") + " skipped"
	}
	return note, nil
}
