//go:build mage

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/magefile/mage/mg"

	"github.com/nanna-coder/build/internal/container"
	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/tasks"
)

// Dev groups the targets of quick iteration.
type Dev mg.Namespace

// Run builds image NAME, loads it (both cached as in load:image) and runs it with ARGS, one argument split as a shell splits words: dev:run harness --help, dev:run harness '--model qwen3 --verbose', dev:run harness "" for none.
//
// The container gets the daemon's default network (-network=none to cut
// it off), is removed when it exits, and Ctrl-C stops and removes it. The
// target exits with the container's status.
func (Dev) Run(ctx context.Context, name, args string, network *string) error {
	argv, err := project.SplitWords(args)
	if err != nil {
		return err
	}
	p, err := open(ctx)
	if err != nil {
		return err
	}
	if _, err := p.Lookup(name); err != nil {
		return err
	}
	s, err := cached(nil, nil).runOn(ctx, p, tasks.Load(name))
	if err != nil {
		return err
	}
	b, id, err := tasks.Loaded(p, s, name)
	if err != nil {
		return err
	}
	ref := b.Ref.String()
	opts := container.Options{Image: id, Cmd: b.Command(argv), Network: "default", Stdout: os.Stdout, Stderr: os.Stderr}
	if network != nil {
		opts.Network = *network
	}
	code, err := p.Run(ctx, opts)
	if err != nil && ctx.Err() != nil {
		return mg.Fatal(130, fmt.Sprintf("stopped %s; its container is removed", ref))
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return mg.Fatal(code, fmt.Sprintf("%s exited with status %d", ref, code))
	}
	return nil
}
