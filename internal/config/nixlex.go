package config

import (
	"errors"
	"fmt"

	"github.com/nanna-coder/build/internal/nixlex"
)

// tokens returns the tokens of src, those in interpolations included,
// with EnvVars' wording of the lexer's errors.
func tokens(src []byte) ([]nixlex.Token, error) {
	toks, err := nixlex.Tokens(src, nixlex.Options{Interpolations: true})
	var e *nixlex.Error
	if errors.As(err, &e) {
		what := map[string]string{"/*": "comment", `"`: "string", "''": "string", "${": "${"}[e.Opened]
		return nil, fmt.Errorf("line %d: %s not closed", e.Line, what)
	}
	return toks, err
}
