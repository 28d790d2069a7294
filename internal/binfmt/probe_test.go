package binfmt

import (
	"bytes"
	"context"
	"debug/elf"
	"testing"
)

// TestProbes checks every embedded probe: a static executable of its
// platform, which that platform's registration (and no other) claims.
func TestProbes(t *testing.T) {
	for _, p := range Platforms() {
		t.Run(p.Architecture, func(t *testing.T) {
			program, err := Probe(p)
			if err != nil {
				t.Fatalf("Probe() = %v", err)
			}
			f, err := elf.NewFile(bytes.NewReader(program))
			if err != nil {
				t.Fatalf("the probe is not ELF: %v", err)
			}
			if f.Machine != elfOf(p).machine || f.Class != elfOf(p).class || f.Data != elfOf(p).data || f.Type != elf.ET_EXEC {
				t.Errorf("probe: machine %v class %v data %v type %v, want %v %v %v ET_EXEC", f.Machine, f.Class, f.Data, f.Type, elfOf(p).machine, elfOf(p).class, elfOf(p).data)
			}
			for _, prog := range f.Progs {
				if prog.Type == elf.PT_INTERP {
					t.Errorf("the probe is dynamically linked")
				}
			}
			if len(program) > 2<<20 {
				t.Errorf("the probe is %d bytes, want under 2 MiB", len(program))
			}
			for _, q := range Platforms() {
				e, err := ParseRegisterLine(RegisterLine("x", q, "/q", "F"))
				if err != nil {
					t.Fatal(err)
				}
				if got := e.Claims(p) && e.Matches(program[:20]); got != (p.Architecture == q.Architecture) {
					t.Errorf("%s's registration matches the %s probe: %v", q, p, got)
				}
			}
		})
	}
}

// TestProbeNative runs the host's probe, which needs no emulation.
func TestProbeNative(t *testing.T) {
	host, ok := hostPlatform()
	if !ok {
		t.Skip("no probe for this host")
	}
	program, err := Probe(host)
	if err != nil {
		t.Fatal(err)
	}
	res := runProbe(context.Background(), host, program, false)
	if !res.OK() || res.Output != host.Architecture || res.Chroot {
		t.Errorf("runProbe(%s) = %+v, want output %q", host, res, host.Architecture)
	}
	other := Platforms()[0]
	if other.Architecture == host.Architecture {
		other = Platforms()[1]
	}
	if res := runProbe(context.Background(), other, program, false); res.OK() {
		t.Errorf("runProbe(%s, the %s probe) = OK, want a mismatch", other, host)
	}
}
