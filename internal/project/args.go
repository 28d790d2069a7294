package project

import (
	"fmt"
	"strings"
)

// SplitList splits a comma-separated command-line list, dropping empty
// items and spaces.
func SplitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// SplitWords splits a command line into words as a POSIX shell does,
// without expansions: blanks separate words; single quotes keep
// everything, double quotes all but \" and \\; a backslash outside quotes
// keeps the next character. An unclosed quote is an error.
func SplitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			w.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				w.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '\\':
			escaped, inWord = true, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || escaped {
		return nil, fmt.Errorf("reading the arguments %q: a quote is not closed, or a backslash ends them", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
