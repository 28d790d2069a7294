package ci

import "testing"

func TestEscape(t *testing.T) {
	tests := []struct {
		in, data, property string
	}{
		{"plain", "plain", "plain"},
		{"", "", ""},
		{"100%", "100%25", "100%25"},
		{"%0A is not a newline", "%250A is not a newline", "%250A is not a newline"},
		{"two\nlines", "two%0Alines", "two%0Alines"},
		{"crlf\r\nend", "crlf%0D%0Aend", "crlf%0D%0Aend"},
		{"nix/foo.nix:12", "nix/foo.nix:12", "nix/foo.nix%3A12"},
		{"a,b", "a,b", "a%2Cb"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
		{"50%,\n:", "50%25,%0A:", "50%25%2C%0A%3A"},
		{"ünïcode ✓", "ünïcode ✓", "ünïcode ✓"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.property {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.property)
		}
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		name  string
		props []property
		data  string
		want  string
	}{
		{"endgroup", nil, "", "::endgroup::\n"},
		{"group", nil, "load:all (skipped: build:all failed)", "::group::load:all (skipped: build:all failed)\n"},
		{"error", []property{{"file", "nix/a,b.nix"}, {"line", "3"}, {"title", "nix:check"}}, "bad\nthing 100%",
			"::error file=nix/a%2Cb.nix,line=3,title=nix%3Acheck::bad%0Athing 100%25\n"},
		{"error", []property{{"file", ""}, {"line", ""}, {"title", "push:all"}}, "denied", "::error title=push%3Aall::denied\n"},
		{"error", []property{{"title", ""}}, "x", "::error::x\n"},
	}
	for _, tt := range tests {
		if got := command(tt.name, tt.props, tt.data); got != tt.want {
			t.Errorf("command(%q, %v, %q) = %q, want %q", tt.name, tt.props, tt.data, got, tt.want)
		}
	}
}
