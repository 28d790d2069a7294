package doctor

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/project"
)

func TestRun(t *testing.T) {
	fixed := func(f Finding) func(context.Context) Finding { return func(context.Context) Finding { return f } }
	tests := []struct {
		name    string
		checks  []Check
		wantErr string
		wantOut []string
		wantNot []string
	}{
		{"all fine", []Check{{"go", fixed(Finding{OK, "go1.26.8", ""})}}, "", []string{"ok    go             go1.26.8"}, []string{"fix:"}},
		{"warning passes with its fix", []Check{{"nix", fixed(Finding{Warn, "nix not found", "install Nix"})}}, "", []string{"warn  nix", "fix: install Nix"}, nil},
		{"failures are named", []Check{
			{"docker", fixed(Finding{Fail, "nothing answers", "start it"})},
			{"flake", fixed(Finding{Fail, "no flake.nix", "set NANNA_FLAKE"})},
			{"go", fixed(Finding{OK, "go1.26.8", ""})},
		}, "docker, flake failed", []string{"FAIL  docker", "fix: start it", "FAIL  flake", "ok    go"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Run(context.Background(), &out, tt.checks)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrUnhealthy)) {
				t.Errorf("Run() = %v, want error %q", err, tt.wantErr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestCheckFlake(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name  string
		flake string
		want  Status
	}{
		{"repository without flake.nix", "", Fail},
		{"flake URL is not checked", "github:example/flake", OK},
		{"NANNA_FLAKE directory with flake.nix", "../../testdata/flakes/images", OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkFlake(project.Locate(root, func(k string) string { return map[string]string{"NANNA_FLAKE": tt.flake}[k] }))
			if got.Status != tt.want {
				t.Errorf("checkFlake() = %+v, want status %v", got, tt.want)
			}
		})
	}
}
