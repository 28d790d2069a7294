package config

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// configNixFile is the repository's configuration file, relative to this
// package.
const configNixFile = "../../nix/container-config.nix"

// TestEnvVarsOfConfigFile checks that the variables read from the
// repository's file are those Defaults reads: adding a getEnv to the file
// without adding it to Defaults (or the other way round) fails here.
func TestEnvVarsOfConfigFile(t *testing.T) {
	src, err := os.ReadFile(configNixFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := EnvVars(src)
	if err != nil {
		t.Fatalf("EnvVars(%s) = %v", configNixFile, err)
	}
	want := []string{"CONTAINER_LOAD_VERBOSE", "CONTAINER_REGISTRY", "GITHUB_REF_NAME", "GITHUB_REPOSITORY", "GITHUB_SHA", "VERSION"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnvVars(%s) (-want +got):\n%s", configNixFile, diff)
	}
	if diff := cmp.Diff(got, Defaults(nil).Env); diff != "" {
		t.Errorf("Defaults(nil).Env differs from the variables %s reads (-file +Defaults):\n%s", configNixFile, diff)
	}
}

func TestEnvVars(t *testing.T) {
	const helper = "let\n  getEnv = name: default:\n    let value = builtins.getEnv name;\n    in if value == \"\" then default else value;\nin\n"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"builtins.getEnv", `{ a = builtins.getEnv "A"; }`, []string{"A"}},
		{"primop alias", `{ a = __getEnv "A"; }`, []string{"A"}},
		{"helper", helper + `{ b = getEnv "B" "x"; a = builtins.getEnv "A" == "true"; }`, []string{"A", "B"}},
		{"sorted, once each", `[ (builtins.getEnv "Z") (builtins.getEnv "A") (builtins.getEnv "Z") ]`, []string{"A", "Z"}},
		{"inherited", `let inherit (builtins) getEnv; in getEnv "D"`, []string{"D"}},
		{"comments", "# builtins.getEnv x\n/* getEnv y\n import */ { }", nil},
		{"mentioned in strings", `{ doc = "builtins.getEnv x"; more = ''import getEnv y''; }`, nil},
		{"in an interpolation", `{ a = "${builtins.getEnv "A"}-x"; b = ''x ${getEnv "B" ""} ''; }`, []string{"A", "B"}},
		{"nested interpolation", `"${ { a = "${builtins.getEnv "A"}"; }.a }"`, []string{"A"}},
		{"escaped interpolations", `{ a = "\${builtins.getEnv x}"; b = ''''${getEnv y} '''quoted'''''; c = "$${getEnv w}"; }`, nil},
		{"escaped quotes", `{ a = "say \"${builtins.getEnv "A"}\""; b = ''it's '''quoted''' ${getEnv "B" ""}''; }`, []string{"A", "B"}},
		{"interpolation after an escaped ''", `''x '''${getEnv "Z" ""}''`, []string{"Z"}},
		{"interpolation after $$", `{ a = "$$${builtins.getEnv "A"}"; b = ''$$${getEnv "B" ""}''; }`, []string{"A", "B"}},
		{"URI with /* in it", `{ u = https://example.com/*; a = builtins.getEnv "A"; }`, []string{"A"}},
		{"an attribute named getEnv", `{ getEnv = 1; }`, nil},
		{"no variables", `{ a = 1; }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EnvVars([]byte(tt.src))
			if err != nil {
				t.Fatalf("EnvVars(%s) = %v", tt.src, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EnvVars(%s) (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestEnvVarsRefused(t *testing.T) {
	const helper = "let\n  getEnv = name: default:\n    let value = builtins.getEnv name;\n    in if value == \"\" then default else value;\n"
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"computed name", "{\n  a = builtins.getEnv (\"GITHUB_\" + x);\n}",
			`line 2: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"interpolated name", `builtins.getEnv "A${x}"`,
			`line 1: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"empty name", `builtins.getEnv ""`,
			`line 1: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"passed as a value", `map builtins.getEnv [ "A" ]`,
			`line 1: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"aliased", `let e = builtins.getEnv; in e "A"`,
			`line 1: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"helper called with a computed name", helper + "  x = \"A\";\nin getEnv x \"\"",
			`line 6: getEnv is not followed by a variable name in quotes; write the name out (getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"helper's parameter name outside the helper", helper + "  other = name: builtins.getEnv name;\nin other \"A\"",
			`line 5: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"helper forwarding another name", "let getEnv = name: builtins.getEnv other; in getEnv \"A\"",
			`line 1: builtins.getEnv is not followed by a variable name in quotes; write the name out (builtins.getEnv "NAME"), so that the variables the configuration reads can be listed`},
		{"at the end", `builtins.getEnv`, "line 1: builtins.getEnv without a variable name"},
		{"import", "{\n  a = import ./registry.nix;\n}", "line 2: import of another file: the variables it reads cannot be seen here; keep the configuration in this file"},
		{"string not closed", "{\n  a = \"x;\n}", "line 2: string not closed"},
		{"indented string not closed", "''x", "line 1: string not closed"},
		{"comment not closed", "/* x", "line 1: comment not closed"},
		{"interpolation not closed", `"${x"`, "line 1: string not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EnvVars([]byte(tt.src))
			if err == nil {
				t.Fatalf("EnvVars(%s) = %q, want error %s", tt.src, got, tt.want)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("EnvVars(%s) error (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}
