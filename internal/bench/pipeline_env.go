package bench

import (
	"slices"
	"strings"
)

// pipelineEnv returns the environment bench:pipeline's commands run in:
// environ (os.Environ()) without what would change what they do —
// GitHub Actions' variables (ci would push, or report as a job), CI, the
// variables the test project's configuration reads, NANNA_FLAKE (another
// flake), the Git configuration — with XDG_CACHE_HOME=cache (the
// pipeline's records and Nix's evaluation cache, away from the user's),
// GOCACHE=gocache (the user's Go build cache, which XDG_CACHE_HOME would
// otherwise move, so that go tool mage does not rebuild everything) and
// gitEnv's variables.
func pipelineEnv(environ []string, cache, gocache string) []string {
	dropped := []string{"CI", "XDG_CACHE_HOME", "GOCACHE", "NANNA_FLAKE", "CONTAINER_REGISTRY", "CONTAINER_LOAD_VERBOSE", "VERSION"}
	var env []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if slices.Contains(dropped, name) || strings.HasPrefix(name, "GITHUB_") || strings.HasPrefix(name, "GIT_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "XDG_CACHE_HOME="+cache, "GOCACHE="+gocache)
	return append(env, gitEnv()...)
}

// gitEnv keeps git from reading the user's or the system's configuration
// (a global excludes file would change which files count as the flake's)
// and gives commits an identity.
func gitEnv() []string {
	return []string{
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.com",
		"GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.com",
	}
}
