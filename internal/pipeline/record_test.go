package pipeline

import (
	"context"
	"errors"
	"maps"
	"os"
	"strings"
	"testing"
)

func TestRunFailureWritesNoRecord(t *testing.T) {
	cache := t.TempDir()
	broken := errors.New("nix build: exit status 1")
	var fail bool
	var input string
	steps := []Step{{
		Name: "build:all",
		Inputs: func(_ context.Context, in *Inputs) error {
			in.String("flake", input)
			return nil
		},
		Run: func(context.Context, *Context) (Output, error) {
			if fail {
				return nil, broken
			}
			return Output{"path": "/nix/store/abc-" + input}, nil
		},
	}}
	path := store{dir: cache}.path("build:all")
	run := func(in string, failing bool) (Result, []byte) {
		t.Helper()
		input, fail = in, failing
		s, err := newEngine(t, func(o *Options) { o.CacheDir = cache }).Run(context.Background(), steps)
		if failing != errors.Is(err, broken) {
			t.Fatalf("Run() = %v", err)
		}
		b, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return s.Results[0], b
	}
	if _, b := run("one", true); b != nil {
		t.Fatalf("a failed first run wrote %s", b)
	}
	r, saved := run("one", false)
	if r.Status != Ran || r.Why != "no record" {
		t.Errorf("run after a failure = %s (%s), want ran (no record)", r.Status, r.Why)
	}
	if _, b := run("two", true); string(b) != string(saved) {
		t.Errorf("a failed run replaced the record of the last success:\n%s\nwith\n%s", saved, b)
	}
	if r, _ := run("one", false); r.Status != Cached {
		t.Errorf("back to the inputs of the last success: %s (%s), want cached", r.Status, r.Why)
	}
}

func TestRunCorruptRecord(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(b []byte, other []byte) []byte
		why     string
	}{
		{"garbage", func([]byte, []byte) []byte { return []byte("not json") }, "invalid character 'o' in literal null (expecting 'u')"},
		{"empty", func([]byte, []byte) []byte { return nil }, "unexpected end of JSON input"},
		{"truncated", func(b, _ []byte) []byte { return b[:len(b)/2] }, "unexpected end of JSON input"},
		{"other format", func(b, _ []byte) []byte {
			return []byte(strings.Replace(string(b), `"version": 1`, `"version": 7`, 1))
		}, "record format 7, not 1"},
		{"an input digest edited", func(b, _ []byte) []byte {
			return []byte(strings.Replace(string(b), `"string flake": "`, `"string flake": "0`, 1))
		}, "its key does not match its inputs"},
		{"another step's record", func(_, other []byte) []byte { return other }, `record of step "nix:check"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := t.TempDir()
			var runs calls
			steps := []Step{
				{Name: "nix:check", Run: func(context.Context, *Context) (Output, error) { return nil, nil }},
				{
					Name:   "build:all",
					Inputs: func(_ context.Context, in *Inputs) error { in.String("flake", "."); return nil },
					Run: func(context.Context, *Context) (Output, error) {
						runs.add("build:all")
						return Output{"path": "/nix/store/abc"}, nil
					},
				},
			}
			e := newEngine(t, func(o *Options) { o.CacheDir = cache })
			if _, err := e.Run(context.Background(), steps); err != nil {
				t.Fatal(err)
			}
			s := store{dir: cache}
			b, err := os.ReadFile(s.path("build:all"))
			if err != nil {
				t.Fatal(err)
			}
			other, err := os.ReadFile(s.path("nix:check"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.path("build:all"), tt.corrupt(b, other), 0o644); err != nil {
				t.Fatal(err)
			}
			sum, err := e.Run(context.Background(), steps)
			if err != nil {
				t.Fatal(err)
			}
			r := result(t, sum, "build:all")
			if want := "no record (the saved record is unreadable: " + tt.why + ")"; r.Status != Ran || r.Why != want {
				t.Errorf("build:all = %s (%s), want ran (%s)", r.Status, r.Why, want)
			}
			if n := runs.count("build:all"); n != 2 {
				t.Errorf("build:all ran %d times, want 2", n)
			}
			rec, err := s.read("build:all")
			if err != nil {
				t.Fatalf("the record after the run: %v", err)
			}
			if want := (Output{"path": "/nix/store/abc"}); !maps.Equal(rec.Output, want) {
				t.Errorf("recorded output = %v, want %v", rec.Output, want)
			}
		})
	}
}
