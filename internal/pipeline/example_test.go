package pipeline_test

import (
	"context"
	"fmt"
	"os"

	"github.com/nanna-coder/build/internal/pipeline"
)

func ExampleEngine_Run() {
	cache, err := os.MkdirTemp("", "pipeline-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(cache)
	steps := []pipeline.Step{
		{
			Name: "build:all",
			Inputs: func(_ context.Context, in *pipeline.Inputs) error {
				in.String("system", "x86_64-linux")
				in.Env("NIX_CONFIG")
				return nil
			},
			Run: func(_ context.Context, c *pipeline.Context) (pipeline.Output, error) {
				c.Summarize("1 image")
				return pipeline.Output{"path": "/nix/store/abc-ollama.tar"}, nil
			},
			Valid: func(_ context.Context, out pipeline.Output) error {
				return nil // e.g. nix path-info out["path"]
			},
		},
		{
			Name: "push:all",
			Deps: []string{"build:all"},
			Run: func(context.Context, *pipeline.Context) (pipeline.Output, error) {
				return nil, pipeline.Skip("pushing is not allowed on a pull request from a fork")
			},
		},
	}
	e, err := pipeline.New(pipeline.Options{CacheDir: cache, CodeVersion: "v1.2.3", Explain: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		s, err := e.Run(context.Background(), steps, "push:all")
		if err != nil {
			fmt.Println(err)
		}
		for _, r := range s.Results {
			fmt.Printf("%s %s %q why=%q reason=%q\n", r.Step, r.Status, r.Summary, r.Why, r.Reason)
		}
	}
	// Output:
	// build:all ran ["1 image"] why="no record" reason=""
	// push:all skipped [] why="no record" reason="pushing is not allowed on a pull request from a fork"
	// build:all cached ["1 image"] why="unchanged since its last success" reason=""
	// push:all skipped [] why="no record" reason="pushing is not allowed on a pull request from a fork"
}
