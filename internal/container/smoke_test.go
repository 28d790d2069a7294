package container

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSmoke(t *testing.T) {
	allCalls := func(cmd string) []string {
		return []string{"create demo:latest none " + cmd, "wait next-exit", "start c1", "remove c1 force"}
	}
	tests := []struct {
		name       string
		daemon     fakeDaemon
		opts       Options
		wantOutput string
		wantErr    string
		wantCode   int
		timeout    bool
	}{
		{
			name:       "passes",
			daemon:     fakeDaemon{stdout: "ollama version is 0.12.3\n", stderr: "Warning: could not connect to a running Ollama instance\n"},
			opts:       Options{Image: "demo:latest", Cmd: []string{"ollama", "--version"}},
			wantOutput: "ollama version is 0.12.3\nWarning: could not connect to a running Ollama instance\n",
		},
		{
			name:       "exits 3",
			daemon:     fakeDaemon{exit: 3, stderr: "nanna-demo: no such command\nsee --help\n"},
			opts:       Options{Image: "demo:latest", Cmd: []string{"sh", "-c", "exit 3"}},
			wantOutput: "nanna-demo: no such command\nsee --help\n",
			wantErr:    "smoke test of demo:latest: `sh -c 'exit 3'` exited with status 3; it printed:\n  | nanna-demo: no such command\n  | see --help",
			wantCode:   3,
		},
		{
			name:     "exits 1 silently",
			daemon:   fakeDaemon{exit: 1},
			opts:     Options{Image: "demo:latest", Cmd: []string{"false"}},
			wantErr:  "smoke test of demo:latest: `false` exited with status 1; it printed nothing",
			wantCode: 1,
		},
		{
			name:       "runs past its timeout",
			daemon:     fakeDaemon{block: true, stdout: "sleeping\n"},
			opts:       Options{Image: "demo:latest", Cmd: []string{"sleep", "5"}, Timeout: time.Nanosecond},
			wantOutput: "sleeping\n",
			wantErr:    "smoke test of demo:latest: `sleep 5` did not finish within 1ns and was killed; it printed:\n  | sleeping",
			timeout:    true,
		},
		{
			name:     "the image's own command",
			daemon:   fakeDaemon{exit: 2},
			opts:     Options{Image: "demo:latest"},
			wantErr:  "smoke test of demo:latest: the image's command exited with status 2; it printed nothing",
			wantCode: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var live strings.Builder
			tt.opts.Stdout, tt.opts.Stderr = &live, &live
			out, err := Smoke(context.Background(), &tt.daemon, tt.opts)
			if out != tt.wantOutput || live.String() != tt.wantOutput {
				t.Errorf("Smoke() output = %q, copied %q; want %q", out, live.String(), tt.wantOutput)
			}
			if diff := cmp.Diff(allCalls(strings.Join(tt.opts.Cmd, " ")), tt.daemon.calls); diff != "" {
				t.Errorf("daemon calls (-want +got):\n%s", diff)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Smoke() = %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Smoke() = %v, want\n%s", err, tt.wantErr)
			}
			var se *SmokeError
			if !errors.As(err, &se) || se.Code != tt.wantCode || se.Output != tt.wantOutput {
				t.Errorf("Smoke() = %#v, want a *SmokeError with code %d and the output", err, tt.wantCode)
			}
			if errors.Is(err, ErrTimeout) != tt.timeout {
				t.Errorf("errors.Is(%v, ErrTimeout) = %v, want %v", err, !tt.timeout, tt.timeout)
			}
		})
	}
}

// TestSmokeHint checks where a caller's hint goes: after the problem,
// before the output.
func TestSmokeHint(t *testing.T) {
	d := &fakeDaemon{block: true, stdout: "loading\n"}
	_, err := Smoke(context.Background(), d, Options{Image: "nanna-coder-ollama:latest", Cmd: []string{"ollama", "--version"}, Timeout: time.Nanosecond})
	var se *SmokeError
	if !errors.As(err, &se) {
		t.Fatalf("Smoke() = %v, want a *SmokeError", err)
	}
	se.Hint = "raise smoke.timeoutSeconds in nix/container-config.nix"
	want := "smoke test of nanna-coder-ollama:latest: `ollama --version` did not finish within 1ns and was killed; raise smoke.timeoutSeconds in nix/container-config.nix; it printed:\n  | loading"
	if got := err.Error(); got != want {
		t.Errorf("Smoke() with a hint = %s, want %s", got, want)
	}
}

func TestSmokeKeepsTheEnd(t *testing.T) {
	long := strings.Repeat("x", SmokeOutputMax) + "\nlast line\n"
	d := &fakeDaemon{exit: 1, stdout: "first line\n" + long}
	out, err := Smoke(context.Background(), d, Options{Image: "demo:latest", Cmd: []string{"yes"}})
	if out != long[len(long)-SmokeOutputMax:] {
		t.Errorf("Smoke() kept %d bytes ending %q, want the last %d", len(out), out[max(0, len(out)-20):], SmokeOutputMax)
	}
	want := "smoke test of demo:latest: `yes` exited with status 1; the last 64 KiB it printed:\n  | last line"
	if err == nil || err.Error() != want {
		t.Errorf("Smoke() = %v, want %s", err, want)
	}
}

func TestSmokeOtherErrors(t *testing.T) {
	d := &fakeDaemon{startErr: errors.New("exec: \"ollama\": executable file not found in $PATH")}
	_, err := Smoke(context.Background(), d, Options{Image: "demo:latest", Cmd: []string{"ollama"}})
	var se *SmokeError
	if err == nil || errors.As(err, &se) || !strings.HasPrefix(err.Error(), "starting a container of demo:latest: exec") {
		t.Errorf("Smoke() = %v, want Run's error", err)
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		cmd  []string
		want string
	}{
		{[]string{"ollama", "--version"}, "`ollama --version`"},
		{[]string{"sh", "-c", "exit 3"}, "`sh -c 'exit 3'`"},
		{[]string{"echo", "it's", ""}, "`echo 'it'\\''s' ''`"},
		{[]string{"env", "A=b,c", "/bin/x@1"}, "`env A=b,c /bin/x@1`"},
		{nil, "the image's command"},
	}
	for _, tt := range tests {
		if got := commandLine(tt.cmd); got != tt.want {
			t.Errorf("commandLine(%q) = %s, want %s", tt.cmd, got, tt.want)
		}
	}
}
