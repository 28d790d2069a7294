package ci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// GitHub is what a GitHub Actions run says about itself in its
// environment and its event's payload.
type GitHub struct {
	Event         string // GITHUB_EVENT_NAME: "push", "pull_request", …
	Ref           string // GITHUB_REF: "refs/heads/main", "refs/tags/v1.2.0", "refs/pull/7/merge"
	RefName       string // GITHUB_REF_NAME: "main", "v1.2.0", "7/merge"
	DefaultBranch string // the payload's repository.default_branch; empty if unknown
	Repository    string // GITHUB_REPOSITORY: "nanna-coder/build"
	SHA           string // GITHUB_SHA
	// Fork is true for a pull request whose head is in another repository
	// (or in one since deleted).
	Fork bool
	// HeadRepository is the pull request's head repository ("someone/build").
	HeadRepository string
	Workspace      string // GITHUB_WORKSPACE: annotation paths are made relative to it
	StepSummary    string // GITHUB_STEP_SUMMARY: the file the Markdown summary is appended to
	Output         string // GITHUB_OUTPUT: the file the step's outputs are appended to
	// Credentials is true when GITHUB_TOKEN or REGISTRY_TOKEN is set.
	Credentials bool
	// EventErr says why the event's payload (GITHUB_EVENT_PATH) could not
	// be read; the fields that come from it are then empty.
	EventErr error
}

// GitHubFromEnv reads the run's description from getenv (os.Getenv) and
// the event payload it names. It returns false outside GitHub Actions
// (GITHUB_ACTIONS is not "true").
func GitHubFromEnv(getenv func(string) string) (GitHub, bool) {
	if getenv("GITHUB_ACTIONS") != "true" {
		return GitHub{}, false
	}
	gh := GitHub{
		Event:       getenv("GITHUB_EVENT_NAME"),
		Ref:         getenv("GITHUB_REF"),
		RefName:     getenv("GITHUB_REF_NAME"),
		Repository:  getenv("GITHUB_REPOSITORY"),
		SHA:         getenv("GITHUB_SHA"),
		Workspace:   getenv("GITHUB_WORKSPACE"),
		StepSummary: getenv("GITHUB_STEP_SUMMARY"),
		Output:      getenv("GITHUB_OUTPUT"),
		Credentials: len(registryTokens(getenv)) > 0,
	}
	ev, err := readEvent(getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		gh.EventErr = err
		return gh, true
	}
	gh.DefaultBranch = ev.Repository.DefaultBranch
	if pr := ev.PullRequest; pr != nil {
		head := pr.Head.Repo
		switch {
		case head == nil: // the head repository was deleted
			gh.Fork = true
		case head.FullName != "" && ev.Repository.FullName != "":
			gh.HeadRepository = head.FullName
			gh.Fork = !strings.EqualFold(head.FullName, ev.Repository.FullName)
		default:
			// head.repo.fork alone is also true for a branch of a
			// repository that is itself a fork: trust it only when the
			// names are missing.
			gh.HeadRepository = head.FullName
			gh.Fork = head.Fork
		}
	}
	return gh, true
}

// registryTokens returns the non-empty credentials among GITHUB_TOKEN and
// REGISTRY_TOKEN.
func registryTokens(getenv func(string) string) []string {
	var t []string
	for _, name := range []string{"GITHUB_TOKEN", "REGISTRY_TOKEN"} {
		if v := getenv(name); v != "" {
			t = append(t, v)
		}
	}
	return t
}

// event is the part of a webhook payload that GitHub reads.
type event struct {
	Repository struct {
		FullName      string `json:"full_name"`
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
	PullRequest *struct {
		Head struct {
			Repo *struct {
				FullName string `json:"full_name"`
				Fork     bool   `json:"fork"`
			} `json:"repo"`
		} `json:"head"`
	} `json:"pull_request"`
}

// readEvent reads the event payload at path.
func readEvent(path string) (event, error) {
	var ev event
	if path == "" {
		return ev, errors.New("GITHUB_EVENT_PATH is not set")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ev, fmt.Errorf("reading the event payload: %w", err)
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return ev, fmt.Errorf("reading the event payload %s: %w", path, err)
	}
	return ev, nil
}

// PushAllowed says whether this run may push images: only a push to the
// default branch or of a tag, never a pull request (from a fork or not),
// and only with credentials. When it may not, reason says why, for the
// step's report.
func (gh GitHub) PushAllowed() (ok bool, reason string) {
	isPR := strings.HasPrefix(gh.Event, "pull_request")
	switch {
	case isPR && gh.Fork:
		from := ""
		if gh.HeadRepository != "" {
			from = " (" + gh.HeadRepository + ")"
		}
		return false, "pushing is not allowed on a pull request from a fork" + from
	case isPR:
		return false, "pushing happens only on a push to " + gh.branchName() + " or of a tag, not on a pull request"
	case gh.Event != "push":
		return false, fmt.Sprintf("pushing happens only on a push to %s or of a tag, not on a %q event", gh.branchName(), gh.Event)
	}
	branch, isBranch := strings.CutPrefix(gh.Ref, "refs/heads/")
	switch {
	case strings.HasPrefix(gh.Ref, "refs/tags/"):
	case !isBranch:
		return false, fmt.Sprintf("pushing happens only on a push to %s or of a tag, not of %q", gh.branchName(), gh.Ref)
	case gh.DefaultBranch == "":
		why := "the event payload has no repository.default_branch"
		if gh.EventErr != nil {
			why = gh.EventErr.Error()
		}
		return false, "not pushing: the repository's default branch is unknown: " + why
	case branch != gh.DefaultBranch:
		return false, fmt.Sprintf("pushing happens only on a push to %s or of a tag, not to branch %s", gh.DefaultBranch, branch)
	}
	if !gh.Credentials {
		return false, "not pushing: no registry credentials; give the job GITHUB_TOKEN (or REGISTRY_TOKEN) in its env"
	}
	return true, ""
}

// branchName names the default branch in a reason.
func (gh GitHub) branchName() string {
	if gh.DefaultBranch == "" {
		return "the default branch"
	}
	return gh.DefaultBranch
}
