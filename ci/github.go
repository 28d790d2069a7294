package ci

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/ui"
)

// NewReporter returns the Reporter for this environment: on GitHub Actions
// (see [GitHubFromEnv]) a [GitHubReporter] writing to w, with the registry
// tokens masked; anywhere else the pipeline's plain-text table.
func NewReporter(getenv func(string) string, w io.Writer) pipeline.Reporter {
	gh, ok := GitHubFromEnv(getenv)
	if !ok {
		return pipeline.NewText(w)
	}
	return NewGitHub(w, gh, registryTokens(getenv))
}

// GitHubReporter is a pipeline.Reporter that speaks GitHub Actions'
// workflow commands on the job's stdout:
//
//   - a line when a step starts, and when it finishes a collapsed group
//     "STEP", "STEP (cached)", "STEP (skipped: REASON)" or "STEP (failed)"
//     holding what the step wrote to [StepOutput], its summary lines and
//     its error, with workflow commands in them switched off;
//   - for a failure, an error annotation for each error it joins, at the
//     file and line of a [Located] error, at most 10 per step and 10 in
//     all (GitHub's limit for one step of a job); the others are counted
//     in the summary;
//   - at the end, a Markdown table of the steps and of the images they
//     report ([ui.ImageLine]) appended to GITHUB_STEP_SUMMARY, kept under
//     GitHub's 1 MiB, and the images' references and digests appended to
//     GITHUB_OUTPUT (see [GitHubReporter.Done]).
//
// Its methods and the writers of StepOutput may be called concurrently.
type GitHubReporter struct {
	w            io.Writer
	gh           GitHub
	token        func() string // random delimiters and stop-commands tokens
	summaryLimit int           // bytes GITHUB_STEP_SUMMARY may hold
	maxPerStep   int           // error annotations per pipeline step
	maxPerRun    int           // error annotations in all

	mu          sync.Mutex
	logs        map[string]*bytes.Buffer // step → what it wrote to StepOutput
	annotated   int                      // error annotations written
	unannotated map[string]int           // step → errors left without one
}

// NewGitHub returns a GitHubReporter writing to w (the job's stdout) for
// the run gh describes. It masks each of secrets first (each line of it,
// as GitHub masks line by line), so that no later output shows them.
func NewGitHub(w io.Writer, gh GitHub, secrets []string) *GitHubReporter {
	r := &GitHubReporter{
		w: w, gh: gh, token: rand.Text, summaryLimit: summaryLimit,
		maxPerStep: annotationsPerStep, maxPerRun: annotationsPerRun,
		logs: map[string]*bytes.Buffer{}, unannotated: map[string]int{},
	}
	for _, s := range secrets {
		for _, line := range strings.Split(s, "\n") {
			if line = strings.TrimSuffix(line, "\r"); line != "" {
				r.print(command("add-mask", nil, line))
			}
		}
	}
	return r
}

var _ pipeline.Reporter = (*GitHubReporter)(nil)

// StepOutput returns where step's commands write their output: for a
// [GitHubReporter], a buffer shown inside the step's group when it
// finishes (steps run in parallel, and GitHub's groups cannot
// interleave); for any other reporter, w.
func StepOutput(rep pipeline.Reporter, step string, w io.Writer) io.Writer {
	if g, ok := rep.(*GitHubReporter); ok {
		return stepLog{r: g, step: step}
	}
	return w
}

// stepLog is the writer StepOutput returns.
type stepLog struct {
	r    *GitHubReporter
	step string
}

func (l stepLog) Write(p []byte) (int, error) {
	l.r.mu.Lock()
	defer l.r.mu.Unlock()
	b := l.r.logs[l.step]
	if b == nil {
		b = &bytes.Buffer{}
		l.r.logs[l.step] = b
	}
	return b.Write(p)
}

// print writes s to the job's stdout; a broken stdout has nowhere to be
// reported.
func (r *GitHubReporter) print(s string) { io.WriteString(r.w, s) } //nolint:errcheck

// Started writes a line saying step started.
func (r *GitHubReporter) Started(step string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.print("▸ " + step + "\n")
}

// Finished writes step's group, then its error annotations.
func (r *GitHubReporter) Finished(res pipeline.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var body strings.Builder
	if b := r.logs[res.Step]; b != nil {
		body.Write(b.Bytes())
		if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			body.WriteString("\n")
		}
		delete(r.logs, res.Step)
	}
	for _, line := range res.Summary {
		body.WriteString(summaryLine(res, line) + "\n")
	}
	if res.Why != "" {
		body.WriteString("why: " + res.Why + "\n")
	}
	if res.Err != nil {
		body.WriteString("error: " + strings.TrimRight(res.Err.Error(), "\n") + "\n")
	}
	r.print(command("group", nil, groupTitle(res)))
	if body.Len() > 0 {
		// The step's output is data, not commands: a test printing
		// "::endgroup::" or "::add-mask::" must not act on the log.
		tok := r.token()
		r.print(command("stop-commands", nil, tok))
		r.print(body.String())
		r.print("::" + tok + "::\n")
	}
	r.print(command("endgroup", nil, ""))
	if res.Status == pipeline.Failed && res.Err != nil {
		r.annotate(res.Step, res.Err)
	}
}

// summaryLine is a step's summary line for people: an image line in its
// brief form, without the layer counts of an earlier run when cached.
func summaryLine(res pipeline.Result, line string) string {
	img, ok := ui.ParseImageLine(line)
	if !ok {
		return line
	}
	if res.Status == pipeline.Cached {
		img.Layers = false
	}
	return img.Brief()
}

// groupTitle is the title of a step's group.
func groupTitle(res pipeline.Result) string {
	switch res.Status {
	case pipeline.Cached:
		return res.Step + " (cached)"
	case pipeline.Skipped:
		return res.Step + " (skipped: " + res.Reason + ")"
	case pipeline.Failed:
		return res.Step + " (failed)"
	}
	return res.Step
}

// Done writes the count of each status, a warning if errors were left
// without an annotation, and the step summary and outputs files (where
// GITHUB_STEP_SUMMARY and GITHUB_OUTPUT name them). It reports a file it
// cannot write as a warning: the run's outcome does not depend on it.
//
// The outputs are "images" (every reference a step that ran or was cached
// reported, one per line), "digests" (REFERENCE@DIGEST of those with a
// digest) and, for each image, "image-NAME" and "digest-NAME", NAME being
// the last part of its repository ("ollama" for
// ghcr.io/nanna-coder/ollama:latest; the first image wins when two share
// it).
func (r *GitHubReporter) Done(s pipeline.Summary) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.print(counts(s) + "\n")
	if n := r.unannotatedTotal(); n > 0 {
		r.print(command("warning", []property{{"title", "more errors"}},
			fmt.Sprintf("%d more errors have no annotation (GitHub shows %d per step); the step summary and the log have them all", n, annotationsPerRun)))
	}
	if r.gh.StepSummary != "" {
		if err := r.writeSummary(s); err != nil {
			r.print(command("warning", nil, "writing the step summary: "+err.Error()))
		}
	}
	if r.gh.Output != "" {
		if err := r.writeOutputs(s); err != nil {
			r.print(command("warning", nil, "writing the step outputs: "+err.Error()))
		}
	}
}

// unannotatedTotal is the number of errors left without an annotation.
func (r *GitHubReporter) unannotatedTotal() int {
	n := 0
	for _, c := range r.unannotated {
		n += c
	}
	return n
}
