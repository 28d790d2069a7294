package binfmt

import (
	"context"
	"io"
	"testing"
)

// TestSetupAndStatusAgree runs qemu:setup's and qemu:status's code in both
// orders: whenever Setup succeeds, Status succeeds right after it, and
// whenever Status fails after Setup, Setup has failed too.
func TestSetupAndStatusAgree(t *testing.T) {
	tests := []struct {
		name         string
		nix          func(root string) nixConfig
		skipNix      bool
		writeNixConf bool
		wantOK       bool
	}{
		{"Nix lacks the platform", fakeNix, false, false, false},
		{"Nix lacks it, -writeNixConf adds it", fakeNix, false, true, true},
		{"Nix lacks it, -nix=false", fakeNix, true, false, true},
		{"no Nix installed", func(string) nixConfig { return noNix }, false, false, true},
	}
	for _, tt := range tests {
		for _, order := range []string{"setup then status", "status, setup, status"} {
			t.Run(tt.name+"/"+order, func(t *testing.T) {
				k := newFakeKernel(t)
				o := testOptions(t, k, &fakeProber{}, nil)
				o.nix = tt.nix(o.root)
				o.SkipNix, o.WriteNixConf, o.Log = tt.skipNix, tt.writeNixConf, io.Discard
				ctx := context.Background()
				if order != "setup then status" {
					if _, err := Status(ctx, arm64(t), o); err == nil {
						t.Fatalf("Status() before Setup = nil, want not ready")
					}
				}
				_, setupErr := Setup(ctx, arm64(t), o)
				_, statusErr := Status(ctx, arm64(t), o)
				if (setupErr == nil) != tt.wantOK || (statusErr == nil) != tt.wantOK {
					t.Errorf("Setup() = %v; Status() = %v; want both ok = %v", setupErr, statusErr, tt.wantOK)
				}
			})
		}
	}
}
