package ci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Payloads shaped like GitHub's webhook events, cut to the fields read.
const (
	pushPayload     = `{"ref":"refs/heads/main","repository":{"full_name":"nanna-coder/build","default_branch":"main"}}`
	samePRPayload   = `{"pull_request":{"head":{"repo":{"full_name":"nanna-coder/build","fork":false}}},"repository":{"full_name":"nanna-coder/build","default_branch":"main"}}`
	forkPRPayload   = `{"pull_request":{"head":{"repo":{"full_name":"someone/build","fork":true}}},"repository":{"full_name":"nanna-coder/build","default_branch":"main"}}`
	goneHeadPayload = `{"pull_request":{"head":{"repo":null}},"repository":{"full_name":"nanna-coder/build","default_branch":"main"}}`
	// A pull request inside a repository that is itself a fork: head.repo.fork
	// is true, yet the head is the same repository.
	forkInternalPRPayload = `{"pull_request":{"head":{"repo":{"full_name":"someone/build","fork":true}}},"repository":{"full_name":"someone/build","default_branch":"dev"}}`
	namelessForkPayload   = `{"pull_request":{"head":{"repo":{"fork":true}}},"repository":{"default_branch":"main"}}`
)

// env returns a getenv over vars, with GITHUB_EVENT_PATH pointing at a
// file holding payload (unset if payload is empty).
func env(t *testing.T, payload string, vars ...string) func(string) string {
	t.Helper()
	m := map[string]string{}
	if payload != "" {
		path := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(path, []byte(payload), 0o644); err != nil {
			t.Fatal(err)
		}
		m["GITHUB_EVENT_PATH"] = path
	}
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

func TestGitHubFromEnv(t *testing.T) {
	actions := []string{"GITHUB_ACTIONS=true", "GITHUB_REPOSITORY=nanna-coder/build", "GITHUB_SHA=abc123"}
	tests := []struct {
		name     string
		payload  string
		vars     []string
		want     GitHub
		ok       bool
		eventErr string
	}{
		{name: "local", vars: []string{"CI=true", "GITHUB_TOKEN=t"}},
		{name: "actions false", vars: []string{"GITHUB_ACTIONS=false", "GITHUB_EVENT_NAME=push"}},
		{
			name: "push to main", payload: pushPayload,
			vars: append([]string{"GITHUB_EVENT_NAME=push", "GITHUB_REF=refs/heads/main", "GITHUB_REF_NAME=main",
				"GITHUB_WORKSPACE=/w", "GITHUB_STEP_SUMMARY=/s", "GITHUB_OUTPUT=/o", "REGISTRY_TOKEN=r"}, actions...),
			want: GitHub{Event: "push", Ref: "refs/heads/main", RefName: "main", DefaultBranch: "main",
				Repository: "nanna-coder/build", SHA: "abc123", Workspace: "/w", StepSummary: "/s", Output: "/o", Credentials: true},
			ok: true,
		},
		{
			name: "pull request, same repository", payload: samePRPayload,
			vars: append([]string{"GITHUB_EVENT_NAME=pull_request", "GITHUB_REF=refs/pull/7/merge", "GITHUB_TOKEN=t"}, actions...),
			want: GitHub{Event: "pull_request", Ref: "refs/pull/7/merge", DefaultBranch: "main", Repository: "nanna-coder/build",
				SHA: "abc123", HeadRepository: "nanna-coder/build", Credentials: true},
			ok: true,
		},
		{
			name: "pull request from a fork", payload: forkPRPayload,
			vars: append([]string{"GITHUB_EVENT_NAME=pull_request"}, actions...),
			want: GitHub{Event: "pull_request", DefaultBranch: "main", Repository: "nanna-coder/build", SHA: "abc123",
				Fork: true, HeadRepository: "someone/build"},
			ok: true,
		},
		{
			name: "pull request from a deleted fork", payload: goneHeadPayload,
			vars: append([]string{"GITHUB_EVENT_NAME=pull_request"}, actions...),
			want: GitHub{Event: "pull_request", DefaultBranch: "main", Repository: "nanna-coder/build", SHA: "abc123", Fork: true},
			ok:   true,
		},
		{
			name: "pull request inside a fork", payload: forkInternalPRPayload,
			vars: append([]string{"GITHUB_EVENT_NAME=pull_request"}, actions...),
			want: GitHub{Event: "pull_request", DefaultBranch: "dev", Repository: "nanna-coder/build", SHA: "abc123", HeadRepository: "someone/build"},
			ok:   true,
		},
		{
			name: "names missing: head.repo.fork decides", payload: namelessForkPayload,
			vars: append([]string{"GITHUB_EVENT_NAME=pull_request"}, actions...),
			want: GitHub{Event: "pull_request", DefaultBranch: "main", Repository: "nanna-coder/build", SHA: "abc123", Fork: true},
			ok:   true,
		},
		{
			name: "no payload", vars: append([]string{"GITHUB_EVENT_NAME=push"}, actions...),
			want: GitHub{Event: "push", Repository: "nanna-coder/build", SHA: "abc123"},
			ok:   true, eventErr: "GITHUB_EVENT_PATH is not set",
		},
		{
			name: "payload not JSON", payload: "{", vars: append([]string{"GITHUB_EVENT_NAME=push"}, actions...),
			want: GitHub{Event: "push", Repository: "nanna-coder/build", SHA: "abc123"},
			ok:   true, eventErr: "reading the event payload",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := GitHubFromEnv(env(t, tt.payload, tt.vars...))
			if ok != tt.ok {
				t.Fatalf("GitHubFromEnv() ok = %v, want %v", ok, tt.ok)
			}
			if tt.eventErr == "" && got.EventErr != nil || tt.eventErr != "" && (got.EventErr == nil || !strings.Contains(got.EventErr.Error(), tt.eventErr)) {
				t.Errorf("GitHubFromEnv() EventErr = %v, want one containing %q", got.EventErr, tt.eventErr)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(GitHub{}, "EventErr")); diff != "" {
				t.Errorf("GitHubFromEnv() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPushAllowed(t *testing.T) {
	main := GitHub{Event: "push", Ref: "refs/heads/main", DefaultBranch: "main", Credentials: true}
	with := func(f func(*GitHub)) GitHub { gh := main; f(&gh); return gh }
	tests := []struct {
		name   string
		gh     GitHub
		ok     bool
		reason string
	}{
		{"push to the default branch", main, true, ""},
		{"tag", with(func(g *GitHub) { g.Ref = "refs/tags/v1.2.0"; g.DefaultBranch = "" }), true, ""},
		{"other branch", with(func(g *GitHub) { g.Ref = "refs/heads/feature" }), false,
			"pushing happens only on a push to main or of a tag, not to branch feature"},
		{"fork", with(func(g *GitHub) { g.Event = "pull_request"; g.Fork = true; g.HeadRepository = "someone/build" }), false,
			"pushing is not allowed on a pull request from a fork (someone/build)"},
		{"fork, deleted", with(func(g *GitHub) { g.Event = "pull_request_target"; g.Fork = true }), false,
			"pushing is not allowed on a pull request from a fork"},
		{"pull request", with(func(g *GitHub) { g.Event = "pull_request"; g.Ref = "refs/pull/7/merge" }), false,
			"pushing happens only on a push to main or of a tag, not on a pull request"},
		{"schedule", with(func(g *GitHub) { g.Event = "schedule" }), false,
			`pushing happens only on a push to main or of a tag, not on a "schedule" event`},
		{"odd ref", with(func(g *GitHub) { g.Ref = "refs/notes/x" }), false,
			`pushing happens only on a push to main or of a tag, not of "refs/notes/x"`},
		{"default branch unknown", with(func(g *GitHub) { g.DefaultBranch = "" }), false,
			"not pushing: the repository's default branch is unknown: the event payload has no repository.default_branch"},
		{"no credentials", with(func(g *GitHub) { g.Credentials = false }), false,
			"not pushing: no registry credentials; give the job GITHUB_TOKEN (or REGISTRY_TOKEN) in its env"},
		{"fork wins over credentials", with(func(g *GitHub) { g.Event = "pull_request"; g.Fork = true; g.Credentials = false }), false,
			"pushing is not allowed on a pull request from a fork"},
	}
	for _, tt := range tests {
		ok, reason := tt.gh.PushAllowed()
		if ok != tt.ok || reason != tt.reason {
			t.Errorf("%s: PushAllowed() = %v, %q, want %v, %q", tt.name, ok, reason, tt.ok, tt.reason)
		}
	}
}

func TestPushAllowedFromEnv(t *testing.T) {
	getenv := env(t, pushPayload, "GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push", "GITHUB_REF=refs/heads/main", "GITHUB_TOKEN=t")
	gh, _ := GitHubFromEnv(getenv)
	if ok, reason := gh.PushAllowed(); !ok {
		t.Errorf("push to main with GITHUB_TOKEN: PushAllowed() = false, %q, want true", reason)
	}
	gh, _ = GitHubFromEnv(env(t, forkPRPayload, "GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request", "GITHUB_TOKEN=t"))
	if ok, _ := gh.PushAllowed(); ok {
		t.Error("pull request from a fork: PushAllowed() = true, want false")
	}
}
