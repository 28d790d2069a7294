package platform

// alias is one spelling of a platform and the image-spec variant it names:
// "" unless the spelling says one (armv7l and arm/v7 say v7, arm does not).
type alias struct {
	name, variant string
}

// row is one platform of the table.
type row struct {
	// platform is the normalized platform.
	platform Platform
	// system is Nix's system name and qemu QEMU's architecture name (as in
	// qemu-aarch64-static).
	system, qemu string
	// aliases are the spellings Parse accepts, the short name first; each
	// may also be written with "linux/" in front.
	aliases []alias
}

// table returns every platform the package knows, arm64 first. It is the
// one list of spellings: binfmt (qemu:setup), push:index and the image
// JSONs' arch all read platforms through it.
func table() []row {
	return []row{
		{Platform{"arm64", ""}, "aarch64-linux", "aarch64", []alias{
			{"arm64", ""}, {"aarch64", ""}, {"aarch64-linux", ""}, {"arm64/v8", "v8"}}},
		{Platform{"arm", "v7"}, "armv7l-linux", "arm", []alias{
			{"arm", ""}, {"armhf", ""}, {"armv7", "v7"}, {"armv7l", "v7"}, {"armv7l-linux", "v7"}, {"arm/v7", "v7"}}},
		{Platform{"arm", "v6"}, "armv6l-linux", "arm", []alias{
			{"arm/v6", "v6"}, {"armv6", "v6"}, {"armv6l", "v6"}, {"armv6l-linux", "v6"}}},
		{Platform{"riscv64", ""}, "riscv64-linux", "riscv64", []alias{
			{"riscv64", ""}, {"riscv64-linux", ""}}},
		{Platform{"ppc64le", ""}, "powerpc64le-linux", "ppc64le", []alias{
			{"ppc64le", ""}, {"powerpc64le", ""}, {"powerpc64le-linux", ""}}},
		{Platform{"s390x", ""}, "s390x-linux", "s390x", []alias{
			{"s390x", ""}, {"s390x-linux", ""}}},
		{Platform{"amd64", ""}, "x86_64-linux", "x86_64", []alias{
			{"amd64", ""}, {"x86_64", ""}, {"x86-64", ""}, {"x86_64-linux", ""}}},
		{Platform{"386", ""}, "i686-linux", "i386", []alias{
			{"386", ""}, {"i386", ""}, {"i686", ""}, {"i686-linux", ""}}},
	}
}

// lookup returns the row of p, whatever its variant spelling.
func lookup(p Platform) (row, bool) {
	for _, r := range table() {
		if r.platform.Architecture != p.Architecture {
			continue
		}
		for _, a := range r.aliases {
			if a.variant == p.Variant {
				return r, true
			}
		}
	}
	return row{}, false
}
