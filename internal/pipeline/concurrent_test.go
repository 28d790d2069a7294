package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/nanna-coder/build/internal/flock"
)

// writerEnv names the cache directory a writer process writes records to.
const writerEnv = "PIPELINE_TEST_WRITER_DIR"

// writes is how many times each writer runs the pipeline.
const writes = 40

// writerSteps is a pipeline whose outputs name the writer and the round,
// so that writers replace each other's records with different ones.
func writerSteps(writer string, round *int) []Step {
	out := func(step string) func(context.Context, *Context) (Output, error) {
		return func(context.Context, *Context) (Output, error) {
			return Output{"writer": writer, "round": strconv.Itoa(*round), "step": step}, nil
		}
	}
	return []Step{
		{Name: "build:all", Run: out("build:all")},
		{Name: "load:all", Deps: []string{"build:all"}, Run: out("load:all")},
		{Name: "push:all", Deps: []string{"load:all"}, Run: out("push:all")},
	}
}

// writeRecords runs writerSteps with Force, writes times, over dir.
func writeRecords(dir, writer string) error {
	round := 0
	e, err := New(Options{CacheDir: dir, CodeVersion: "v1", Force: true, Parallel: 2})
	if err != nil {
		return err
	}
	steps := writerSteps(writer, &round)
	for round = range writes {
		if _, err := e.Run(context.Background(), steps); err != nil {
			return fmt.Errorf("%s round %d: %w", writer, round, err)
		}
	}
	return nil
}

// writerProcess is the test binary run as a writer by
// TestRunConcurrentProcesses.
func writerProcess(dir string) int {
	if err := writeRecords(dir, "process "+strconv.Itoa(os.Getpid())); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// readUntil reads every step's record until done is closed and returns
// how many reads found a whole record, or the first read that found a
// file that was not one.
func readUntil(done <-chan struct{}, dir string) (int, error) {
	s := store{dir: dir}
	whole := 0
	for {
		select {
		case <-done:
			return whole, nil
		default:
		}
		for _, step := range []string{"build:all", "load:all", "push:all"} {
			_, err := s.read(step)
			switch {
			case err == nil:
				whole++
			case !errors.Is(err, errNoRecord):
				return whole, fmt.Errorf("reading the record of %s while it is being written: %w", step, err)
			}
		}
		runtime.Gosched()
	}
}

// checkRecords fails t unless every step of writerSteps has a whole
// record in dir and no temporary file is left.
func checkRecords(t *testing.T, dir string) {
	t.Helper()
	s := store{dir: dir}
	for _, step := range []string{"build:all", "load:all", "push:all"} {
		r, err := s.read(step)
		if err != nil {
			t.Errorf("record of %s after concurrent runs: %v", step, err)
			continue
		}
		if r.Output["step"] != step {
			t.Errorf("record of %s holds the output of %s", step, r.Output["step"])
		}
	}
	temps, err := filepath.Glob(filepath.Join(dir, "*"+tempInfix+"*"))
	if err != nil || len(temps) != 0 {
		t.Errorf("temporary files left: %v %v", temps, err)
	}
}

// whileReading calls write, which has 3 writers write records into dir,
// while reading them, and checks that every read and the records left are
// whole.
func whileReading(t *testing.T, dir, writers string, write func() []error) {
	t.Helper()
	done := make(chan struct{})
	var reads int
	var readErr error
	var readers sync.WaitGroup
	readers.Go(func() { reads, readErr = readUntil(done, dir) })
	errs := write()
	close(done)
	readers.Wait()
	if err := errors.Join(append(errs, readErr)...); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d whole records read while 3 %s wrote %d", reads, writers, 3*3*writes)
	checkRecords(t, dir)
}

func TestRunConcurrentEngines(t *testing.T) {
	dir := t.TempDir()
	whileReading(t, dir, "engines", func() []error {
		errs := make([]error, 3)
		var writers sync.WaitGroup
		for i := range errs {
			writers.Go(func() { errs[i] = writeRecords(dir, "engine "+strconv.Itoa(i)) })
		}
		writers.Wait()
		return errs
	})
}

func TestRunConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	whileReading(t, dir, "processes", func() []error {
		var errs []error
		var cmds []*exec.Cmd
		for range 2 {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), writerEnv+"="+dir)
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				errs = append(errs, err)
				continue
			}
			cmds = append(cmds, cmd)
		}
		errs = append(errs, writeRecords(dir, "this process"))
		for _, cmd := range cmds {
			if err := cmd.Wait(); err != nil {
				errs = append(errs, fmt.Errorf("writer process: %w", err))
			}
		}
		return errs
	})
}

func TestWriteRemovesDeadWritersTemps(t *testing.T) {
	if !flock.Supported {
		t.Skip("no flock: temporary files are kept")
	}
	dir := t.TempDir()
	stale := filepath.Join(dir, "build%3Aall.json"+tempInfix+"123")
	if err := os.WriteFile(stale, []byte(`{"version":`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := store{dir: dir}
	r := &record{Version: recordVersion, Step: "smoke", Key: computeKey("smoke", "", nil, nil, nil)}
	if err := s.write(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file of a dead writer: Stat = %v, want removed", err)
	}
	if _, err := s.read("smoke"); err != nil {
		t.Errorf("read() = %v", err)
	}
}
