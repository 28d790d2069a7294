package oci

import (
	"strings"
	"testing"

	"github.com/nanna-coder/build/internal/nix2container"
)

func TestPlatformImageResolve(t *testing.T) {
	tests := []struct {
		key, arch, want, wantErr string
	}{
		{"amd64", "amd64", "linux/amd64", ""},
		{"x86_64-linux", "amd64", "linux/amd64", ""},
		{"linux/arm64", "arm64", "linux/arm64", ""},
		{"aarch64", "arm64", "linux/arm64", ""},
		{"aarch64-linux", "arm64", "linux/arm64", ""},
		{"linux/arm64/v8", "arm64", "linux/arm64/v8", ""},
		{"arm64", "aarch64", "linux/arm64", ""},
		{"armv7l", "arm", "linux/arm/v7", ""},
		{"arm", "arm", "linux/arm", ""},
		{"arm64", "amd64", "", "platform arm64: the image JSON is for amd64, not arm64"},
		{"arm64", "mips", "", "the image JSON is for mips, not arm64"},
		{"amd64", "", "", "platform amd64: the image JSON has no arch"},
		{"mips", "mips", "", "unknown platform"},
	}
	for _, tt := range tests {
		p, err := PlatformImage{tt.key, &nix2container.Image{Arch: tt.arch}}.Resolve()
		if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) || (err == nil && p.String() != tt.want) {
			t.Errorf("PlatformImage{%q, arch %q}.Resolve() = %v, %v, want %s, error %q", tt.key, tt.arch, p, err, tt.want, tt.wantErr)
		}
	}
}
