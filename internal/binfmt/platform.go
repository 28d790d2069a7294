package binfmt

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/nanna-coder/build/internal/platform"
)

// elfID is how the kernel tells a platform's programs apart: the
// binfmt_misc magic and mask of its ELF header, written as in a register
// line (\xHH escapes), and the header fields they cover.
type elfID struct {
	magic, mask string
	class       elf.Class
	data        elf.Data
	machine     elf.Machine
}

// kernelPlatform is a platform binfmt sets up and its ELF identity.
type kernelPlatform struct {
	platform platform.Platform
	elf      elfID
}

// kernelTable returns the platforms the package sets up, normalized,
// arm64 first, with their magics and masks from QEMU's
// scripts/qemu-binfmt-conf.sh and tonistiigi/binfmt's config.go.
func kernelTable() []kernelPlatform {
	const mask = `\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff`
	return []kernelPlatform{
		{platform.Platform{Architecture: "arm64"}, elfID{
			`\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00`, mask,
			elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_AARCH64}},
		{platform.Platform{Architecture: "arm", Variant: "v7"}, elfID{
			`\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00`, mask,
			elf.ELFCLASS32, elf.ELFDATA2LSB, elf.EM_ARM}},
		{platform.Platform{Architecture: "riscv64"}, elfID{
			`\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00`, mask,
			elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_RISCV}},
		{platform.Platform{Architecture: "ppc64le"}, elfID{
			`\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x15\x00`,
			`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\x00`,
			elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_PPC64}},
		{platform.Platform{Architecture: "s390x"}, elfID{
			`\x7fELF\x02\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x16`,
			`\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff`,
			elf.ELFCLASS64, elf.ELFDATA2MSB, elf.EM_S390}},
		{platform.Platform{Architecture: "amd64"}, elfID{
			`\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00`,
			`\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff`,
			elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_X86_64}},
	}
}

// Platforms returns every platform the package sets up, normalized
// (linux/arm/v7, not linux/arm), arm64 first.
func Platforms() []platform.Platform {
	var out []platform.Platform
	for _, k := range kernelTable() {
		out = append(out, k.platform)
	}
	return out
}

// elfOf returns the ELF identity of p, a platform of Platforms (any
// spelling); the zero elfID, which matches nothing, for another.
func elfOf(p platform.Platform) elfID {
	p = p.Normalize()
	for _, k := range kernelTable() {
		if k.platform == p {
			return k.elf
		}
	}
	return elfID{}
}

// header returns the first 20 bytes of an ELF executable of p with the
// given type (elf.ET_EXEC for static programs, elf.ET_DYN for PIE ones):
// what the kernel compares registered magics against.
func header(p platform.Platform, typ elf.Type) []byte {
	id := elfOf(p)
	h := make([]byte, 20)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS] = byte(id.class)
	h[elf.EI_DATA] = byte(id.data)
	h[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	var order binary.ByteOrder = binary.LittleEndian
	if id.data == elf.ELFDATA2MSB {
		order = binary.BigEndian
	}
	order.PutUint16(h[16:], uint16(typ))
	order.PutUint16(h[18:], uint16(id.machine))
	return h
}

// hostPlatform returns the platform of this machine, if the package knows it.
func hostPlatform() (platform.Platform, bool) {
	for _, p := range Platforms() {
		if p.Native() {
			return p, true
		}
	}
	return platform.Platform{}, false
}

// ParsePlatforms reads a comma-separated list of platforms, each in any
// spelling of package platform: a GOARCH (arm64), a QEMU or uname name
// (aarch64, armv7l), a Nix system (aarch64-linux) or a Docker platform
// (linux/arm64). "" means arm64 and "all" every platform but the native
// one. The platforms are normalized (arm is linux/arm/v7); duplicates are
// dropped; the order is kept.
func ParsePlatforms(list string) ([]platform.Platform, error) {
	list = strings.TrimSpace(list)
	if list == "" {
		list = "arm64"
	}
	var out []platform.Platform
	seen := map[platform.Platform]bool{}
	add := func(p platform.Platform) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, name := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(name), "all") {
			for _, p := range Platforms() {
				if !p.Native() {
					add(p)
				}
			}
			continue
		}
		p, err := platform.ParseIn(name, Platforms())
		if err != nil {
			return nil, fmt.Errorf("%w; several comma-separated, or all", err)
		}
		add(p.Normalize())
	}
	return out, nil
}
