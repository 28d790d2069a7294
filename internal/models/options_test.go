package models

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEnv(t *testing.T) {
	tests := []struct {
		env             map[string]string
		registry, cache string
	}{
		{map[string]string{"HOME": "/home/me"}, "", "/home/me/.cache/nanna-coder/models"},
		{map[string]string{"HOME": "/home/me", "XDG_CACHE_HOME": "/xdg"}, "", "/xdg/nanna-coder/models"},
		{map[string]string{"HOME": "/home/me", "XDG_CACHE_HOME": "/xdg", "NANNA_MODELS_CACHE": "/models"}, "", "/models"},
		{map[string]string{"NANNA_MODELS_CACHE": "/models", "OLLAMA_REGISTRY": "http://127.0.0.1:5000"}, "http://127.0.0.1:5000", "/models"},
	}
	for _, tt := range tests {
		opts, err := OptionsFromEnv("/repo", func(k string) string { return tt.env[k] })
		if err != nil {
			t.Errorf("OptionsFromEnv(%v) = %v", tt.env, err)
			continue
		}
		got := []string{opts.File, opts.Registry, opts.Cache}
		if diff := cmp.Diff([]string{"/repo/nix/models.nix", tt.registry, tt.cache}, got); diff != "" {
			t.Errorf("OptionsFromEnv(%v) (-want +got):\n%s", tt.env, diff)
		}
	}
	if _, err := OptionsFromEnv("/repo", func(string) string { return "" }); err == nil {
		t.Error("Env without HOME succeeded")
	}
}
