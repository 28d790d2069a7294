// Package nixlex provides a lexer for Nix source: enough of Nix's grammar to
// find identifiers, string literals and attribute bindings by their byte
// spans, never mistaking text inside comments or strings for code.
package nixlex
