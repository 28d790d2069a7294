package ci

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

// output is one name=value of GITHUB_OUTPUT.
type output struct{ name, value string }

// outputs returns the step outputs of the images that the steps which ran
// or were cached reported: see [GitHubReporter.Done].
func outputs(s pipeline.Summary) []output {
	var refs []string
	digest := map[string]string{}
	for _, res := range s.Results {
		if res.Status != pipeline.Ran && res.Status != pipeline.Cached {
			continue
		}
		for _, line := range res.Summary {
			img, ok := ui.ParseImageLine(line)
			if !ok {
				continue
			}
			if _, seen := digest[img.Reference]; !seen {
				refs = append(refs, img.Reference)
				digest[img.Reference] = ""
			}
			if img.Digest != "" {
				digest[img.Reference] = img.Digest
			}
		}
	}
	if len(refs) == 0 {
		return nil
	}
	var pinned []string
	for _, ref := range refs {
		if d := digest[ref]; d != "" {
			pinned = append(pinned, ref+"@"+d)
		}
	}
	outs := []output{{"images", strings.Join(refs, "\n")}}
	if len(pinned) > 0 {
		outs = append(outs, output{"digests", strings.Join(pinned, "\n")})
	}
	named := map[string]bool{}
	for _, ref := range refs {
		name := outputName(ref)
		if named[name] {
			continue
		}
		named[name] = true
		outs = append(outs, output{"image-" + name, ref})
		if d := digest[ref]; d != "" {
			outs = append(outs, output{"digest-" + name, d})
		}
	}
	return outs
}

// outputName is the last part of ref's repository, in the characters an
// output name may have: "ollama" for ghcr.io/nanna-coder/ollama:latest.
func outputName(ref string) string {
	repo, _, _ := strings.Cut(ref, "@")
	repo = repo[strings.LastIndexByte(repo, '/')+1:]
	repo, _, _ = strings.Cut(repo, ":")
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return c
		}
		return '_'
	}, repo)
}

// writeOutputs appends the run's outputs to GITHUB_OUTPUT.
func (r *GitHubReporter) writeOutputs(s pipeline.Summary) error {
	outs := outputs(s)
	if len(outs) == 0 {
		return nil
	}
	var b strings.Builder
	for _, o := range outs {
		line, err := r.outputLine(o)
		if err != nil {
			return err
		}
		b.WriteString(line)
	}
	f, err := os.OpenFile(r.gh.Output, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		return err
	}
	return f.Close()
}

// outputLine formats o for GITHUB_OUTPUT: "name=value", or for a value of
// several lines the heredoc form with a random delimiter found in neither
// the name nor the value.
func (r *GitHubReporter) outputLine(o output) (string, error) {
	if !strings.ContainsAny(o.value, "\r\n") {
		return o.name + "=" + o.value + "\n", nil
	}
	for range 3 {
		delim := "ghadelimiter_" + r.token()
		if !strings.Contains(o.name, delim) && !strings.Contains(o.value, delim) {
			return fmt.Sprintf("%s<<%s\n%s\n%s\n", o.name, delim, o.value, delim), nil
		}
	}
	return "", errors.New("finding a delimiter for output " + o.name + " that its value does not contain")
}
