//go:build integration

package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nanna-coder/build/internal/fixtures/testflake"
	"github.com/nanna-coder/build/internal/registrytest"
	"github.com/nanna-coder/build/internal/testenv"
)

// ciRun is a GitHub Actions job running `mage ci` on a copy of
// testdata/project: a push to the default branch, with a token, pushing to
// a registry on 127.0.0.1.
type ciRun struct {
	t                      *testing.T
	dir                    string
	env                    []string
	summary, output, token string
}

func newCIRun(t *testing.T) *ciRun {
	t.Helper()
	testenv.RequireDocker(t)
	_, err := exec.LookPath("nix")
	testenv.Require(t, "Nix", err)
	dir := testflake.Copy(t, "project")
	testflake.GitInit(t, dir)
	reg := registrytest.Start(t)
	work := t.TempDir()
	event := filepath.Join(work, "event.json")
	if err := os.WriteFile(event, []byte(`{"repository":{"full_name":"nanna-coder/nanna-coder","default_branch":"main"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &ciRun{t: t, dir: dir, summary: filepath.Join(work, "summary.md"), output: filepath.Join(work, "output"), token: "ghs_n4nnaTestT0ken"}
	r.env = []string{
		"XDG_CACHE_HOME=" + filepath.Join(work, "cache"),
		"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push", "GITHUB_REF=refs/heads/main", "GITHUB_REF_NAME=main",
		"GITHUB_REPOSITORY=nanna-coder/nanna-coder", "GITHUB_SHA=0123abc", "GITHUB_EVENT_PATH=" + event,
		"GITHUB_WORKSPACE=" + dir, "GITHUB_STEP_SUMMARY=" + r.summary, "GITHUB_OUTPUT=" + r.output,
		"GITHUB_TOKEN=" + r.token, "CONTAINER_REGISTRY=" + strings.TrimPrefix(reg.URL, "http://"),
		"CI=true",
	}
	t.Cleanup(func() {
		host := strings.TrimPrefix(reg.URL, "http://")
		var refs []string
		for _, short := range []string{"harness", "ollama"} {
			refs = append(refs, "nanna-coder-"+short+":latest", host+"/nanna-coder/nanna-coder/"+short+":latest", host+"/nanna-coder/nanna-coder/"+short+":0123abc")
		}
		removeRefs(t, refs...)
	})
	return r
}

// groupTitle matches a step's group in the job's log.
var groupTitle = regexp.MustCompile(`(?m)^::group::(\S+)(?: \((cached|failed|skipped: [^)]*)\))?$`)

// run runs `mage ci` with extra environment and returns the steps that ran
// (sorted) and the job's log.
func (r *ciRun) run(extra ...string) ([]string, string) {
	r.t.Helper()
	cmd := exec.CommandContext(context.Background(), mageBin, "ci", "-explain")
	cmd.Dir = r.dir
	cmd.Env = append(append(os.Environ(), r.env...), extra...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		r.t.Fatalf("mage ci: %v\n%s", err, &out)
	}
	var ran []string
	for _, m := range groupTitle.FindAllStringSubmatch(out.String(), -1) {
		if m[2] == "" {
			ran = append(ran, m[1])
		}
	}
	slices.Sort(ran)
	return ran, out.String()
}

// every step of the test project's pipeline, and those that follow from
// the flake's files.
var (
	allSteps   = []string{"build:all", "build:harness", "build:ollama", "load:all", "load:harness", "load:ollama", "models:check", "nix:check", "push:all", "push:harness", "push:ollama", "smoke", "smoke:harness", "smoke:ollama"}
	fromFlake  = without(allSteps, "models:check")
	fromConfig = without(allSteps, "models:check", "nix:check")
	fromDaemon = []string{"load:all", "load:harness", "load:ollama", "push:all", "push:harness", "push:ollama", "smoke", "smoke:harness", "smoke:ollama"}
)

func without(all []string, drop ...string) []string {
	var out []string
	for _, s := range all {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

// TestIntegrationPipeline runs `mage ci` as GitHub Actions would: the
// first run runs every step, pushes, and writes the job summary and
// outputs; the second runs nothing; then each mutation runs again exactly
// the steps that depend on what it changed.
func TestIntegrationPipeline(t *testing.T) {
	r := newCIRun(t)
	ran, log := r.run()
	if diff := cmp.Diff(allSteps, ran); diff != "" {
		t.Fatalf("first run: steps that ran (-want +got):\n%s\n%s", diff, log)
	}
	r.checkGitHubFiles(log)

	ran, log = r.run()
	if len(ran) != 0 {
		t.Fatalf("second run ran %v, want every step cached\n%s", ran, log)
	}
	if n := strings.Count(log, " (cached)\n"); n != len(allSteps) {
		t.Errorf("second run: %d groups say (cached), want %d\n%s", n, len(allSteps), log)
	}

	harnessJSON := r.storePath("harness")
	mutations := []struct {
		name   string
		mutate func() []string // returns extra environment for the run
		want   []string
	}{
		{"edit a file", func() []string { r.appendTo("flake.nix", "\n# edited\n"); return nil }, fromFlake},
		{"rename a file", func() []string { r.rename("README.md", "README.txt"); return nil }, fromFlake},
		{"add an untracked file", func() []string { r.write("notes.nix", "{ }\n"); return nil }, fromFlake},
		{"change flake.lock", func() []string {
			r.write("flake.lock", `{"nodes":{"root":{}},"root":"root","version":7}`+"\n")
			return nil
		}, fromFlake},
		{"change an environment variable the configuration reads", func() []string { return []string{"GITHUB_SHA=4567def"} }, fromConfig},
		{"garbage-collect a store path", func() []string { r.nix("store", "delete", harnessJSON); return nil }, []string{"build:harness"}},
		{"remove an image from the daemon", func() []string { r.docker("rmi", "nanna-coder-ollama:latest"); return nil }, []string{"load:ollama"}},
		{"point DOCKER_HOST elsewhere", func() []string { return []string{"DOCKER_HOST=" + otherDaemon(r.t)} }, fromDaemon},
	}
	env := []string{"GITHUB_SHA=0123abc"}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			r.t = t // a skip (no second daemon outside CI) skips this mutation only
			extra := m.mutate()
			env = mergeEnv(env, extra)
			ran, log := r.run(env...)
			if diff := cmp.Diff(m.want, ran); diff != "" {
				t.Errorf("the steps that ran (-want +got):\n%s\n%s", diff, log)
			}
			if ran, log := r.run(env...); len(ran) != 0 {
				t.Errorf("a second run ran %v, want nothing\n%s", ran, log)
			}
		})
	}
}

// otherDaemon returns a Docker daemon other than DOCKER_HOST's among those
// .ci/run starts.
func otherDaemon(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"NANNA_DOCKER29_HOST", "NANNA_DOCKER29_CLASSIC_HOST"} {
		if h := os.Getenv(name); h != "" && h != os.Getenv("DOCKER_HOST") {
			return h
		}
	}
	testenv.Require(t, "a second Docker daemon (NANNA_DOCKER29_HOST or NANNA_DOCKER29_CLASSIC_HOST)", os.ErrNotExist)
	return ""
}

// checkGitHubFiles checks the first run's log, job summary and outputs.
func (r *ciRun) checkGitHubFiles(log string) {
	t := r.t
	if !strings.Contains(log, "::add-mask::"+r.token) || strings.Count(log, r.token) != 1 {
		t.Errorf("the token should be masked once and never shown otherwise:\n%s", log)
	}
	summary, err := os.ReadFile(r.summary)
	if err != nil {
		t.Fatalf("reading the job summary: %v", err)
	}
	for _, want := range []string{"| build:harness |", "| push:ollama |", "nanna-coder-harness:latest", "/nanna-coder/nanna-coder/ollama:0123abc"} {
		if !strings.Contains(string(summary), want) {
			t.Errorf("job summary lacks %q:\n%s", want, summary)
		}
	}
	output, err := os.ReadFile(r.output)
	if err != nil {
		t.Fatalf("reading the step outputs: %v", err)
	}
	if !regexp.MustCompile(`(?m)^digest-harness=sha256:[0-9a-f]{64}$`).Match(output) || !strings.Contains(string(output), "image-ollama=") {
		t.Errorf("step outputs lack the images and their digests:\n%s", output)
	}
}

// storePath returns the store path of an image's JSON that build:KEY
// recorded, from nix build's own answer.
func (r *ciRun) storePath(key string) string {
	r.t.Helper()
	out := r.nix("build", "--no-link", "--json", r.dir+"#"+key+"Image")
	var res []struct {
		Outputs map[string]string `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 1 {
		r.t.Fatalf("nix build --json: %v\n%s", err, out)
	}
	return res[0].Outputs["out"]
}

func (r *ciRun) nix(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("nix", args...)
	cmd.Dir = r.dir
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if e, ok := err.(*exec.ExitError); ok {
			stderr = e.Stderr
		}
		r.t.Fatalf("nix %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

func (r *ciRun) docker(args ...string) {
	r.t.Helper()
	if out, err := exec.Command("docker", args...).CombinedOutput(); err != nil {
		r.t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (r *ciRun) write(name, content string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *ciRun) appendTo(name, content string) {
	r.t.Helper()
	f, err := os.OpenFile(filepath.Join(r.dir, name), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(content); err != nil {
		r.t.Fatal(err)
	}
}

func (r *ciRun) rename(from, to string) {
	r.t.Helper()
	testflake.Git(r.t, r.dir, "mv", from, to)
}

// mergeEnv returns env with the variables of extra set.
func mergeEnv(env, extra []string) []string {
	out := slices.Clone(env)
	for _, kv := range extra {
		name, _, _ := strings.Cut(kv, "=")
		out = slices.DeleteFunc(out, func(e string) bool { return strings.HasPrefix(e, name+"=") })
		out = append(out, kv)
	}
	return out
}
