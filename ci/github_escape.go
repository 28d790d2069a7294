package ci

import (
	"strings"
)

// GitHub's workflow commands are lines "::name key=value,key=value::data"
// on the job's stdout. The escaping is the Actions toolkit's
// (actions/toolkit packages/core/src/command.ts): the runner turns %25,
// %0D and %0A back into %, CR and LF in the data, and additionally %3A and
// %2C into : and , in property values.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData escapes s for the data part of a workflow command (after the
// second "::").
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes s for a property value of a workflow command.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

// property is one key=value of a workflow command.
type property struct{ key, value string }

// command formats the workflow command name with props and data, one line
// ending in "\n". As in the toolkit, properties with an empty value are
// left out; unlike it, no space follows the name when none is left.
func command(name string, props []property, data string) string {
	var b strings.Builder
	b.WriteString("::")
	b.WriteString(name)
	sep := " "
	for _, p := range props {
		if p.value == "" {
			continue
		}
		b.WriteString(sep)
		b.WriteString(p.key)
		b.WriteString("=")
		b.WriteString(escapeProperty(p.value))
		sep = ","
	}
	b.WriteString("::")
	b.WriteString(escapeData(data))
	b.WriteString("\n")
	return b.String()
}
