package bench

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDaemons(t *testing.T) {
	tests := []struct {
		name    string
		hosts   string
		env     map[string]string
		want    []Daemon
		wantErr string
	}{
		{
			name:  "hosts given",
			hosts: "unix:///a.sock, unix:///b.sock,,unix:///a.sock",
			env:   map[string]string{"DOCKER_HOST": "unix:///ignored.sock"},
			want:  []Daemon{{"-hosts", "unix:///a.sock"}, {"-hosts", "unix:///b.sock"}},
		},
		{
			name: "environment",
			env: map[string]string{
				"DOCKER_HOST":                 "unix:///dev.sock",
				"NANNA_DOCKER29_HOST":         "unix:///ne/docker29.sock",
				"NANNA_DOCKER29_CLASSIC_HOST": "unix:///ne/classic.sock",
			},
			want: []Daemon{{"DOCKER_HOST", "unix:///dev.sock"}, {"NANNA_DOCKER29_HOST", "unix:///ne/docker29.sock"}, {"NANNA_DOCKER29_CLASSIC_HOST", "unix:///ne/classic.sock"}},
		},
		{
			name: "DOCKER_HOST unset, duplicate",
			env:  map[string]string{"NANNA_DOCKER29_HOST": "tcp://127.0.0.1:2375", "NANNA_DOCKER29_CLASSIC_HOST": "tcp://127.0.0.1:2375"},
			want: []Daemon{{"NANNA_DOCKER29_HOST", "tcp://127.0.0.1:2375"}},
		},
		{
			name: "nothing set: the Docker CLI's daemon",
			env:  map[string]string{"HOME": "/nonexistent"},
			want: []Daemon{{"the Docker CLI's daemon", "unix:///var/run/docker.sock"}},
		},
		{name: "bad host", hosts: "unix:///a.sock,/var/run/docker.sock", wantErr: `daemon address "/var/run/docker.sock" (-hosts)`},
		{name: "bad variable", env: map[string]string{"NANNA_DOCKER29_HOST": "docker29"}, wantErr: "(NANNA_DOCKER29_HOST)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Daemons(tt.hosts, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Daemons() = %v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Daemons() = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Daemons() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSkopeoBlocked(t *testing.T) {
	tests := []struct {
		version, minAPI, want string
	}{
		{"1.9.3", "1.40", "skopeo: cannot reach API ≥ 1.40 (skopeo 1.9.3 speaks 1.22)"},
		{"1.9.3", "1.12", ""},
		{"1.9.3", "1.22", ""},
		{"1.14.2", "1.44", "skopeo: cannot reach API ≥ 1.44 (skopeo 1.14.2 speaks 1.22)"},
		{"1.15.0", "1.44", ""},
		{"1.20.0-dev", "1.44", ""},
		{"", "1.12", "skopeo: not installed"},
	}
	for _, tt := range tests {
		if got := skopeoBlocked(tt.version, tt.minAPI); got != tt.want {
			t.Errorf("skopeoBlocked(%q, %q) = %q, want %q", tt.version, tt.minAPI, got, tt.want)
		}
	}
}

func TestVersionLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1.9.3", "1.15", true},
		{"1.15", "1.9.3", false},
		{"1.22", "1.40", true},
		{"1.40", "1.40", false},
		{"1.4", "1.40", true},
		{"2", "1.99", false},
		{"1.15.0-rc1", "1.15", false},
	}
	for _, tt := range tests {
		if got := versionLess(tt.a, tt.b); got != tt.want {
			t.Errorf("versionLess(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
