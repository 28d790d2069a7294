package pipeline

import (
	"errors"
	"maps"
	"testing"
)

func TestExplain(t *testing.T) {
	unset := envDigest("", false)
	old := &record{
		Code: "v1",
		Inputs: map[string]string{
			"file a.nix": "1", "file b.nix": "1",
			"env SET": unset, "env UNSET": "1", "env CHANGED": "1", "env DROPPED": "1",
			"string system": "1",
		},
		Deps: map[string]string{"ran": "1", "changed": "1", "dropped": "1", "remade": "1"},
		Made: map[string]string{"ran": "1", "changed": "1", "dropped": "1", "remade": "1"},
	}
	same := func() now {
		return now{code: "v1", inputs: maps.Clone(old.Inputs), deps: maps.Clone(old.Deps), made: maps.Clone(old.Made)}
	}
	tests := []struct {
		name string
		rec  *record
		err  error
		now  func(n *now)
		want string
	}{
		{"no record", nil, errNoRecord, nil, "no record"},
		{"unreadable", nil, errors.New("unexpected end of JSON input"), nil, "no record (the saved record is unreadable: unexpected end of JSON input)"},
		{"code", old, nil, func(n *now) { n.code = "v2" }, "code version changed (v1 → v2)"},
		{"code from none", &record{Code: ""}, nil, func(n *now) { *n = now{code: "v2"} }, "code version changed (none → v2)"},
		{"file changed", old, nil, func(n *now) { n.inputs["file a.nix"] = "2" }, "file a.nix changed"},
		{"new file", old, nil, func(n *now) { n.inputs["file c.nix"] = "2" }, "new file c.nix"},
		{"file removed", old, nil, func(n *now) { delete(n.inputs, "file b.nix") }, "file b.nix removed"},
		{"env set", old, nil, func(n *now) { n.inputs["env SET"] = "2" }, "env SET set"},
		{"env unset", old, nil, func(n *now) { n.inputs["env UNSET"] = unset }, "env UNSET unset"},
		{"env changed", old, nil, func(n *now) { n.inputs["env CHANGED"] = "2" }, "env CHANGED changed"},
		{"env dropped", old, nil, func(n *now) { delete(n.inputs, "env DROPPED") }, "input env DROPPED dropped"},
		{"new env", old, nil, func(n *now) { n.inputs["env NEW"] = "1" }, "new input env NEW"},
		{"string", old, nil, func(n *now) { n.inputs["string system"] = "2" }, "system changed"},
		{"dependency re-ran", old, nil, func(n *now) { n.deps["ran"] = "2"; n.ran = map[string]bool{"ran": true} }, "dependency ran re-ran"},
		{"dependency changed in another run", old, nil, func(n *now) { n.deps["changed"] = "2" }, "dependency changed changed"},
		{"dependency dropped", old, nil, func(n *now) { delete(n.deps, "dropped"); delete(n.made, "dropped") }, "dependency dropped dropped"},
		{"new dependency", old, nil, func(n *now) { n.deps["new"] = "1"; n.made["new"] = "1" }, "new dependency new"},
		{"dependency made a different output", old, nil, func(n *now) { n.made["remade"] = "2" }, "dependency remade made a different output"},
		{"many", old, nil, func(n *now) {
			n.code = "v2"
			n.inputs["file a.nix"] = "2"
			n.inputs["file b.nix"] = "2"
			n.inputs["string system"] = "2"
			n.made["remade"] = "2"
		}, "code version changed (v1 → v2), file a.nix changed, file b.nix changed and 2 more"},
		{"nothing differs", old, nil, nil, "key changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := same()
			if tt.now != nil {
				tt.now(&n)
			}
			if got := explain(tt.rec, tt.err, n); got != tt.want {
				t.Errorf("explain() = %q, want %q", got, tt.want)
			}
		})
	}
}
