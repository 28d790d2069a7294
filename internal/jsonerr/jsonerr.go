// Package jsonerr turns encoding/json's errors into messages in a user's
// terms: where in the text the problem is and what shape was expected there,
// without Go type names.
package jsonerr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// Describe returns err, an error of decoding data, in a user's terms: "line
// 3, column 14: layers.0.size should be a number, not a string". Errors
// other than syntax and type errors are returned as they are.
func Describe(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("no JSON value: the text is empty or cut short")
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON (%s): %s", position(data, syn.Offset), syn.Error())
	case errors.As(err, &typ):
		what := "the document"
		if typ.Field != "" {
			what = typ.Field
		}
		return fmt.Errorf("%s: %s should be %s, not %s", position(data, typ.Offset), what, shape(typ.Type), article(typ.Value))
	}
	return err
}

// position is the line and column of the byte before offset (json's offsets
// count the bytes read up to and including the offending one).
func position(data []byte, offset int64) string {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return fmt.Sprintf("line %d, column %d", line, col)
}

// shape names what a Go type holds in JSON terms.
func shape(t reflect.Type) string {
	if t == nil {
		return "something else"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "something else"
}

// article puts "a"/"an" before json's value words (array, object, string,
// number, bool).
func article(v string) string {
	switch v {
	case "array", "object":
		return "an " + v
	case "bool":
		return "true or false"
	case "":
		return "that"
	}
	return "a " + v
}
