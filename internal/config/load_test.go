package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nanna-coder/build/internal/nixbuild"
)

// configFile writes a stand-in for nix/container-config.nix with the
// given text; the fake evaluators never evaluate it.
func configFile(t *testing.T, text string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "container-config.nix")
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestLoad(t *testing.T) {
	file := configFile(t, `{ extra = builtins.getEnv "EXTRA"; }`)
	computed := configFile(t, "{\n  x = builtins.getEnv name;\n}")
	missing := filepath.Join(t.TempDir(), "container-config.nix")
	env := mapEnv(map[string]string{"GITHUB_REPOSITORY": "DominicBurkart/nanna-coder"})
	fromEnv := Defaults(env)
	fromFile, err := Parse(edit(t, map[string]any{"loading.retries.maxAttempts": 7}))
	if err != nil {
		t.Fatal(err)
	}
	fromFile.Env = []string{"CONTAINER_LOAD_VERBOSE", "CONTAINER_REGISTRY", "EXTRA", "GITHUB_REF_NAME", "GITHUB_REPOSITORY", "GITHUB_SHA", "VERSION"}
	evalErr := fmt.Errorf("evaluating %s: exit status 1\nerror: syntax error", file)

	tests := []struct {
		name    string
		file    string
		eval    nixbuild.Evaluator
		want    Config
		wantErr string
	}{
		{
			name: "evaluated",
			file: file,
			eval: func(_ context.Context, f string) ([]byte, error) {
				if f != file {
					return nil, fmt.Errorf("evaluated %s, want %s", f, file)
				}
				return edit(t, map[string]any{"loading.retries.maxAttempts": 7}), nil
			},
			want: fromFile,
		},
		{
			name: "file missing",
			file: missing,
			eval: func(context.Context, string) ([]byte, error) { panic("evaluated a missing file") },
			want: fromEnv,
		},
		{
			name: "nix missing",
			file: file,
			eval: func(context.Context, string) ([]byte, error) {
				return nil, fmt.Errorf("evaluating x: %w", nixbuild.ErrNixNotFound)
			},
			want: fromEnv,
		},
		{name: "no evaluator", file: file, want: fromEnv},
		{
			name:    "variable names not readable",
			file:    computed,
			eval:    func(context.Context, string) ([]byte, error) { return []byte(evalJSON), nil },
			wantErr: "listing the environment variables " + computed + ` reads: line 2: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`,
		},
		{
			name:    "evaluation fails",
			file:    file,
			eval:    func(context.Context, string) ([]byte, error) { return nil, evalErr },
			wantErr: "reading " + file + ": " + evalErr.Error(),
		},
		{
			name: "invalid value",
			file: file,
			eval: func(context.Context, string) ([]byte, error) {
				return edit(t, map[string]any{"loading.timeoutSeconds": 0}), nil
			},
			wantErr: "reading " + file + ": config: loading.timeoutSeconds must be greater than 0, got 0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Load(context.Background(), tt.file, tt.eval, env)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Load() = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load() = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadInvalidDefaults(t *testing.T) {
	env := mapEnv(map[string]string{"GITHUB_REPOSITORY": "nanna-coder"})
	_, err := Load(context.Background(), filepath.Join(t.TempDir(), "missing.nix"), nil, env)
	want := `reading built-in default configuration: config: registry.repository must be of the form owner/name, got "nanna-coder"`
	if err == nil || err.Error() != want {
		t.Fatalf("Load() = %v, want %s", err, want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
	}
}
