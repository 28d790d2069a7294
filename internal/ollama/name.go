package ollama

import (
	"fmt"
	"regexp"
	"strings"
)

// Defaults of a model name, as in Ollama's types/model.ParseName.
const (
	DefaultHost      = "registry.ollama.ai"
	DefaultNamespace = "library"
	DefaultTag       = "latest"
)

// Name is a fully qualified model name: host/namespace/model:tag.
type Name struct {
	Host, Namespace, Model, Tag string
}

var (
	hostRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,349}$`)
	nsRE   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$`)
	partRE = nsRE // model and tag have the same grammar
)

// ParseName parses "[host/][namespace/]model[:tag]" like `ollama pull`
// does: "llama3:8b" is registry.ollama.ai/library/llama3:8b and "qwen3" is
// qwen3:latest. Digest references ("@sha256:…") are not accepted.
func ParseName(s string) (Name, error) {
	n := Name{Host: DefaultHost, Namespace: DefaultNamespace, Tag: DefaultTag}
	rest := s
	if strings.Contains(rest, "@") {
		return Name{}, fmt.Errorf("parsing model name %q: digest references are not supported", s)
	}
	parts := strings.Split(rest, "/")
	switch len(parts) {
	case 1:
		rest = parts[0]
	case 2:
		n.Namespace, rest = parts[0], parts[1]
	case 3:
		n.Host, n.Namespace, rest = parts[0], parts[1], parts[2]
	default:
		return Name{}, fmt.Errorf("parsing model name %q: want [host/][namespace/]model[:tag]", s)
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest, n.Tag = rest[:i], rest[i+1:]
	}
	n.Model = rest
	switch {
	case !hostRE.MatchString(n.Host):
		return Name{}, fmt.Errorf("parsing model name %q: invalid host %q", s, n.Host)
	case !nsRE.MatchString(n.Namespace):
		return Name{}, fmt.Errorf("parsing model name %q: invalid namespace %q", s, n.Namespace)
	case !partRE.MatchString(n.Model) || len(n.Model) > 80:
		return Name{}, fmt.Errorf("parsing model name %q: invalid model %q", s, n.Model)
	case !partRE.MatchString(n.Tag) || len(n.Tag) > 80:
		return Name{}, fmt.Errorf("parsing model name %q: invalid tag %q", s, n.Tag)
	}
	return n, nil
}

// String returns the shortest form that parses back to n, as `ollama list`
// shows it: "llama3:8b", "someone/model:tag", "host/ns/model:tag".
func (n Name) String() string {
	switch {
	case n.Host != DefaultHost:
		return n.Host + "/" + n.Namespace + "/" + n.Model + ":" + n.Tag
	case n.Namespace != DefaultNamespace:
		return n.Namespace + "/" + n.Model + ":" + n.Tag
	}
	return n.Model + ":" + n.Tag
}

// Repository is the registry repository: "library/llama3".
func (n Name) Repository() string { return n.Namespace + "/" + n.Model }

// ManifestPath is where Ollama keeps the manifest, relative to its models
// directory and slash-separated: "manifests/registry.ollama.ai/library/llama3/8b".
func (n Name) ManifestPath() string {
	return "manifests/" + n.Host + "/" + n.Namespace + "/" + n.Model + "/" + n.Tag
}

// RegistryURL is the registry the name points at: "https://" + Host.
func (n Name) RegistryURL() string { return "https://" + n.Host }
