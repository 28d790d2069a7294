package binfmt

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
)

// Platform is a Linux architecture that QEMU user emulation can run.
type Platform struct {
	// Arch is the GOARCH and Docker architecture, such as "arm64".
	Arch string
	// Variant is the Docker variant ("v7" for arm), or "".
	Variant string
	// QEMU is QEMU's name for the architecture, as in qemu-aarch64-static.
	QEMU string
	// System is Nix's system name, such as "aarch64-linux".
	System string
	// Magic and Mask are the binfmt_misc magic and mask, written as in a
	// register line (\xHH escapes), from QEMU's qemu-binfmt-conf.sh.
	Magic, Mask string

	class   elf.Class
	data    elf.Data
	machine elf.Machine
}

// Platforms returns every platform the package knows, arm64 first.
func Platforms() []Platform {
	// Magic and mask as in QEMU's scripts/qemu-binfmt-conf.sh and
	// tonistiigi/binfmt's config.go.
	const mask = `\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff`
	return []Platform{
		{Arch: "arm64", QEMU: "aarch64", System: "aarch64-linux",
			Magic: `\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00`,
			Mask:  mask,
			class: elf.ELFCLASS64, data: elf.ELFDATA2LSB, machine: elf.EM_AARCH64},
		{Arch: "arm", Variant: "v7", QEMU: "arm", System: "armv7l-linux",
			Magic: `\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00`,
			Mask:  mask,
			class: elf.ELFCLASS32, data: elf.ELFDATA2LSB, machine: elf.EM_ARM},
		{Arch: "riscv64", QEMU: "riscv64", System: "riscv64-linux",
			Magic: `\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00`,
			Mask:  mask,
			class: elf.ELFCLASS64, data: elf.ELFDATA2LSB, machine: elf.EM_RISCV},
		{Arch: "ppc64le", QEMU: "ppc64le", System: "powerpc64le-linux",
			Magic: `\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x15\x00`,
			Mask:  `\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\x00`,
			class: elf.ELFCLASS64, data: elf.ELFDATA2LSB, machine: elf.EM_PPC64},
		{Arch: "s390x", QEMU: "s390x", System: "s390x-linux",
			Magic: `\x7fELF\x02\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x16`,
			Mask:  `\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff`,
			class: elf.ELFCLASS64, data: elf.ELFDATA2MSB, machine: elf.EM_S390},
		{Arch: "amd64", QEMU: "x86_64", System: "x86_64-linux",
			Magic: `\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00`,
			Mask:  `\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff`,
			class: elf.ELFCLASS64, data: elf.ELFDATA2LSB, machine: elf.EM_X86_64},
	}
}

// String returns the Docker platform, such as "linux/arm64" or "linux/arm/v7".
func (p Platform) String() string {
	s := "linux/" + p.Arch
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// Native reports whether p is this machine's own architecture, which needs
// no emulation.
func (p Platform) Native() bool { return p.Arch == runtime.GOARCH }

// Header returns the first 20 bytes of an ELF executable of p with the given
// type (elf.ET_EXEC for static programs, elf.ET_DYN for PIE ones): what the
// kernel compares registered magics against.
func (p Platform) Header(typ elf.Type) []byte {
	h := make([]byte, 20)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS] = byte(p.class)
	h[elf.EI_DATA] = byte(p.data)
	h[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	var order binary.ByteOrder = binary.LittleEndian
	if p.data == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	order.PutUint16(h[16:], uint16(typ))
	order.PutUint16(h[18:], uint16(p.machine))
	return h
}

// hostPlatform returns the platform of this machine, if the package knows it.
func hostPlatform() (Platform, bool) {
	for _, p := range Platforms() {
		if p.Native() {
			return p, true
		}
	}
	return Platform{}, false
}

// names returns every name ParsePlatforms accepts for p.
func (p Platform) names() []string {
	n := []string{p.Arch, p.QEMU, p.System, "linux/" + p.Arch, p.String()}
	switch p.Arch {
	case "arm":
		n = append(n, "armv7", "armhf", "arm/v7")
	case "ppc64le":
		n = append(n, "powerpc64le")
	}
	return n
}

// ParsePlatforms reads a comma-separated list of platforms. Each is a GOARCH
// (arm64), a QEMU name (aarch64), a Nix system (aarch64-linux) or a Docker
// platform (linux/arm64). "" means arm64 and "all" every platform but the
// native one. Duplicates are dropped; the order is kept.
func ParsePlatforms(list string) ([]Platform, error) {
	list = strings.TrimSpace(list)
	if list == "" {
		list = "arm64"
	}
	var out []Platform
	seen := map[string]bool{}
	add := func(p Platform) {
		if !seen[p.Arch] {
			seen[p.Arch] = true
			out = append(out, p)
		}
	}
	for _, name := range strings.Split(list, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "all" {
			for _, p := range Platforms() {
				if !p.Native() {
					add(p)
				}
			}
			continue
		}
		p, ok := lookupPlatform(name)
		if !ok {
			return nil, fmt.Errorf("%w %q: want a comma-separated list of %s, or all", ErrUnknownPlatform, name, strings.Join(archs(), ", "))
		}
		add(p)
	}
	return out, nil
}

func lookupPlatform(name string) (Platform, bool) {
	for _, p := range Platforms() {
		for _, n := range p.names() {
			if n == name {
				return p, true
			}
		}
	}
	return Platform{}, false
}

func archs() []string {
	var a []string
	for _, p := range Platforms() {
		a = append(a, p.Arch)
	}
	return a
}
