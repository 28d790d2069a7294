package jsonerr

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	type layer struct {
		Size int64 `json:"size"`
	}
	type image struct {
		Version *int    `json:"version"`
		Layers  []layer `json:"layers"`
		Arch    string  `json:"arch"`
	}
	tests := []struct {
		name string
		data string
		want string
	}{
		{"an array where the image belongs", `[1, 2]`, "line 1, column 1: the document should be an object, not an array"},
		{"a string where a number belongs", "{\n  \"layers\": [{\"size\": \"12\"}]\n}", `line 2, column 26: layers.size should be a whole number, not a string`},
		{"a number where a string belongs", `{"arch": 64}`, "arch should be a string, not a number"},
		{"an object where an array belongs", `{"layers": {}}`, "layers should be an array, not an object"},
		{"syntax", "{\n\"arch\": }", "not valid JSON (line 2, column 9): invalid character '}'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var img image
			err := Describe([]byte(tt.data), json.Unmarshal([]byte(tt.data), &img))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Describe() = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "Go value") || strings.Contains(err.Error(), "jsonerr.") {
				t.Errorf("Describe() = %q names Go types", err)
			}
		})
	}
}
