package narhash

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	const (
		sri    = "sha256-jwzJDKF1wGfOv59Uq3lXP7a2mQCa5OclYuMcYHSNbQc="
		base32 = "01vdims60773c8jygr4s02cvddizaxwsnm4zpz76gh3ml46cj34g"
		hex    = "8f0cc90ca175c067cebf9f54ab79573fb6b699009ae4e72562e31c60748d6d07"
	)
	for _, s := range []string{sri, base32, "sha256:" + base32, hex, "sha256:" + hex, "jwzJDKF1wGfOv59Uq3lXP7a2mQCa5OclYuMcYHSNbQc="} {
		h, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q) = %v", s, err)
			continue
		}
		if h.SRI() != sri || h.Base32() != base32 || h.String() != sri {
			t.Errorf("Parse(%q) = %s / %s, want %s / %s", s, h.SRI(), h.Base32(), sri, base32)
		}
	}
	for _, s := range []string{"", "sha256-", "sha256-abc", "md5-1B2M2Y8AsgTpgAmY7PhCfg==", "sha256:zzz", "sha512-" + sri[7:]} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", s)
		}
	}
	if _, err := Parse("md5-1B2M2Y8AsgTpgAmY7PhCfg=="); !errors.Is(err, ErrNotSHA256) {
		t.Errorf("Parse(md5) = %v, want ErrNotSHA256", err)
	}
}
