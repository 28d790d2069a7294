package imageref

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		ref, name, tag, normal, qualified string
	}{
		{"ollama", "ollama", "latest", "ollama:latest", "docker.io/library/ollama:latest"},
		{"nanna-coder-ollama:dev", "nanna-coder-ollama", "dev", "nanna-coder-ollama:dev", "docker.io/library/nanna-coder-ollama:dev"},
		{"docker.io/library/ollama:v1", "ollama", "v1", "ollama:v1", "docker.io/library/ollama:v1"},
		{"me/app", "me/app", "latest", "me/app:latest", "docker.io/me/app:latest"},
		{"ghcr.io/me/app:v1", "ghcr.io/me/app", "v1", "ghcr.io/me/app:v1", "ghcr.io/me/app:v1"},
		{"localhost:5000/app", "localhost:5000/app", "latest", "localhost:5000/app:latest", "localhost:5000/app:latest"},
	}
	for _, tt := range tests {
		name, tag, err := Parse(tt.ref)
		if err != nil || name != tt.name || tag != tt.tag {
			t.Errorf("Parse(%q) = %q, %q, %v; want %q, %q", tt.ref, name, tag, err, tt.name, tt.tag)
		}
		if got, err := Normalize(tt.ref); err != nil || got != tt.normal {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tt.ref, got, err, tt.normal)
		}
		if got, err := Qualified(tt.ref); err != nil || got != tt.qualified {
			t.Errorf("Qualified(%q) = %q, %v; want %q", tt.ref, got, err, tt.qualified)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, ref := range []string{
		"",
		"Not A Ref!",
		"Upper:case",
		"app:",
		"app:bad tag",
		"app@sha256:ab46c61a16ccc87599baa837cb8820390c21581dd52f174dea18586c1eb17adb",
		"app:v1@sha256:ab46c61a16ccc87599baa837cb8820390c21581dd52f174dea18586c1eb17adb",
	} {
		want := `invalid image reference "` + ref + `": want name[:tag], such as nanna-coder-ollama:latest`
		_, _, err := Parse(ref)
		if err == nil || err.Error() != want || !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want %q wrapping ErrInvalid", ref, err, want)
		}
		if _, err := Normalize(ref); err == nil || err.Error() != want {
			t.Errorf("Normalize(%q) = %v, want %q", ref, err, want)
		}
		if _, err := Qualified(ref); err == nil || err.Error() != want {
			t.Errorf("Qualified(%q) = %v, want %q", ref, err, want)
		}
	}
}
