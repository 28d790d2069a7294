package doctor

import (
	"testing"
	"time"

	"github.com/nanna-coder/build/internal/config"
)

func TestConfigSummary(t *testing.T) {
	one := config.Config{Images: make([]config.Image, 1)}
	one.Registry.URL, one.Registry.Repository = "ghcr.io", "Me/Repo"
	one.Loading.Retries.MaxAttempts, one.Loading.Timeout = 1, time.Minute
	two := one
	two.Images = make([]config.Image, 2)
	two.Loading.Retries.MaxAttempts = 3
	tests := []struct {
		cfg  config.Config
		want string
	}{
		{one, "1 image, registry ghcr.io/me/repo, 1 attempt, timeout 1m0s"},
		{two, "2 images, registry ghcr.io/me/repo, 3 attempts, timeout 1m0s"},
	}
	for _, tt := range tests {
		if got := configSummary(tt.cfg); got != tt.want {
			t.Errorf("configSummary() = %q, want %q", got, tt.want)
		}
	}
}
