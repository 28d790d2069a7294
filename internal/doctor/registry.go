package doctor

import (
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/authn/github"
	"github.com/google/go-containerregistry/pkg/name"
)

// checkCredentials says whether credentials for the push registry are
// present (Docker's config and credential helpers, GITHUB_TOKEN for
// ghcr.io), never what they are. Pushing is not the main job: a warning.
func checkCredentials(host string, keychain authn.Keychain) Finding {
	reg, err := name.NewRegistry(host)
	if err != nil {
		return Finding{Warn, "registry.url " + host + " is not a registry host name", "fix registry.url in nix/container-config.nix or CONTAINER_REGISTRY"}
	}
	auth, err := keychain.Resolve(reg)
	if err != nil {
		return Finding{Warn, "reading the credentials for " + host + ": " + err.Error(), "check ~/.docker/config.json and its credential helper"}
	}
	if auth == authn.Anonymous {
		return Finding{Warn, "no credentials for " + host + ": push:* will be refused",
			"docker login " + host + " (or podman login), or set GITHUB_TOKEN for ghcr.io in CI"}
	}
	return Finding{OK, "credentials for " + host + " are present", ""}
}

// defaultKeychain is the keychain pushes use.
func defaultKeychain() authn.Keychain {
	return authn.NewMultiKeychain(authn.DefaultKeychain, github.Keychain)
}
