package binfmt

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeDynamicELF writes a minimal ELF64 executable for this host with a
// PT_INTERP program header, as a dynamically linked QEMU has.
func writeDynamicELF(t *testing.T) string {
	t.Helper()
	host, ok := hostPlatform()
	if !ok || elfOf(host).class != elf.ELFCLASS64 {
		t.Skip("needs a 64-bit host")
	}
	var order binary.ByteOrder = binary.LittleEndian
	if elfOf(host).data == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	b := make([]byte, 64+56)
	copy(b, header(host, elf.ET_DYN)[:16])
	order.PutUint16(b[16:], uint16(elf.ET_DYN))
	order.PutUint16(b[18:], uint16(elfOf(host).machine))
	order.PutUint32(b[20:], uint32(elf.EV_CURRENT))
	order.PutUint64(b[32:], 64) // e_phoff
	order.PutUint16(b[52:], 64) // e_ehsize
	order.PutUint16(b[54:], 56) // e_phentsize
	order.PutUint16(b[56:], 1)  // e_phnum
	order.PutUint32(b[64:], uint32(elf.PT_INTERP))
	path := filepath.Join(t.TempDir(), "qemu-aarch64")
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckInterpreter(t *testing.T) {
	host, ok := hostPlatform()
	if !ok {
		t.Skip("no probe for this host")
	}
	dir := t.TempDir()
	write := func(name string, data []byte, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	native, err := Probe(host)
	if err != nil {
		t.Fatal(err)
	}
	foreign := Platforms()[0]
	if foreign.Native() {
		foreign = Platforms()[1]
	}
	alien, err := Probe(foreign)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string // "" means accepted
	}{
		{write("static", native, 0o755), ""},
		{write("noexec", native, 0o644), "is not an executable file"},
		{write("script", []byte("#!/bin/sh\n"), 0o755), "is not an ELF executable"},
		{write("foreign", alien, 0o755), "program, not one for this " + host.Architecture + " machine"},
		{writeDynamicELF(t), "is dynamically linked; the F flag needs a static QEMU"},
		{dir, "is not an executable file"},
	}
	for _, tt := range tests {
		err := checkInterpreter(tt.path)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("checkInterpreter(%s) = %v, want nil", tt.path, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("checkInterpreter(%s) = %v, want %q", tt.path, err, tt.want)
		}
	}
	if err := checkInterpreter(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("checkInterpreter(missing) = %v, want ErrNotExist", err)
	}
}

func TestFindInterpreter(t *testing.T) {
	k := newFakeKernel(t)
	o := testOptions(t, k, &fakeProber{}, noNix)
	p := arm64(t)[0]
	debian := filepath.Join(o.root, "usr/bin/qemu-aarch64-static")

	got, err := findInterpreter(p, o)
	if err != nil || got != debian {
		t.Errorf("findInterpreter() = %q, %v, want Debian's %s", got, err, debian)
	}

	// PATH comes first; a dynamic qemu-aarch64 on PATH is passed over.
	onPath := filepath.Join(t.TempDir(), "qemu-aarch64-static")
	data, _ := os.ReadFile(debian)
	if err := os.WriteFile(onPath, data, 0o755); err != nil {
		t.Fatal(err)
	}
	dynamic := writeDynamicELF(t)
	o.lookPath = func(name string) (string, error) {
		switch name {
		case "qemu-aarch64-static":
			return onPath, nil
		case "qemu-aarch64":
			return dynamic, nil
		}
		return "", os.ErrNotExist
	}
	if got, err := findInterpreter(p, o); err != nil || got != onPath {
		t.Errorf("findInterpreter() = %q, %v, want the one on PATH %s", got, err, onPath)
	}
	os.Remove(onPath)
	os.Remove(debian)
	_, err = findInterpreter(p, o)
	if !errors.Is(err, ErrNoInterpreter) || !strings.Contains(err.Error(), "rejected: "+dynamic+" is dynamically linked") {
		t.Errorf("findInterpreter() = %v, want ErrNoInterpreter naming the rejected dynamic QEMU", err)
	}

	// -qemu: a file, or a directory of them.
	o.Interpreter = filepath.Dir(onPath)
	if err := os.WriteFile(filepath.Join(o.Interpreter, "qemu-aarch64"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findInterpreter(p, o); err != nil || got != filepath.Join(o.Interpreter, "qemu-aarch64") {
		t.Errorf("findInterpreter(-qemu=dir) = %q, %v", got, err)
	}
	o.Interpreter = filepath.Join(o.Interpreter, "nope")
	if _, err := findInterpreter(p, o); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("findInterpreter(-qemu=missing) = %v, want a one-line error", err)
	}
}
