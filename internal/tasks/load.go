package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/config"
	"github.com/nanna-coder/build/internal/pipeline"
	"github.com/nanna-coder/build/internal/project"
	"github.com/nanna-coder/build/internal/ui"
)

// Output keys of the load steps.
const (
	outID     = "id"     // the image's ID in the daemon
	outRefs   = "refs"   // the references tagged, comma-separated
	outDaemon = "daemon" // the daemon's endpoint
	outScript = "script" // loading.method, when not native
)

// loadStep loads the image with key, as build:KEY made it, into the
// daemon. Its key covers the daemon's endpoint and what names the image
// (the configuration's environment); it is cached while the daemon has the
// image under that ID and every reference still names it.
func loadStep(p *project.Project, key string, opts Options) pipeline.Step {
	name := Load(key)
	return pipeline.Step{
		Name: name,
		Deps: []string{Build(key)},
		Inputs: func(_ context.Context, in *pipeline.Inputs) error {
			return daemonInputs(p, in)
		},
		Run: func(ctx context.Context, c *pipeline.Context) (pipeline.Output, error) {
			if p.Config.Loading.Method != config.MethodNative {
				_, err := opts.project(p, name).Load(ctx, key) // nix2container's script builds and loads
				return pipeline.Output{outScript: p.Config.Loading.Method}, err
			}
			b, err := reopen(p, key, c)
			if err != nil {
				return nil, err
			}
			daemon, err := p.Daemon()
			if err != nil {
				return nil, err
			}
			res, err := opts.project(p, name).LoadBuilt(ctx, b)
			if err != nil {
				return nil, err
			}
			refs := p.Refs(b) // every name it has now; res.Refs are those it just got
			c.Summarize(ui.ImageLine(ui.Image{
				Reference: refs[0], ID: res.ID.String(), Size: layerBytes(b),
				Layers: true, LayersSent: len(res.Sent), LayersSkipped: len(b.Image.Layers) - len(res.Sent),
			}))
			return pipeline.Output{outID: res.ID.String(), outRefs: strings.Join(refs, ","), outDaemon: daemon}, nil
		},
		Valid: func(ctx context.Context, out pipeline.Output) error {
			if m := out[outScript]; m != "" {
				return fmt.Errorf("loaded by nix2container's %s, which reports no image ID to check", m)
			}
			return p.Present(ctx, digest.Digest(out[outID]), splitRefs(out[outRefs]))
		},
	}
}

// daemonInputs declares what a load depends on besides the image: the
// daemon it goes to, how (NANNA_LOAD_VIA, loading.method) and the
// environment the configuration reads (the references come from it).
func daemonInputs(p *project.Project, in *pipeline.Inputs) error {
	daemon, err := p.Daemon()
	if err != nil {
		return err
	}
	in.String("daemon", daemon)
	in.String("loading.method", p.Config.Loading.Method)
	in.Env("NANNA_LOAD_VIA", "DOCKER_API_VERSION")
	in.Env(p.Config.Env...)
	return nil
}

// reopen reads the image that build:KEY recorded.
func reopen(p *project.Project, key string, c *pipeline.Context) (project.Built, error) {
	out := c.Output(Build(key))
	if out[outJSON] == "" {
		return project.Built{}, errors.New("the build recorded no image JSON; run again with -force")
	}
	b, err := p.Reopen(key, out[outJSON], out[outRef])
	if err != nil {
		return b, fmt.Errorf("reading what %s built: %w", Build(key), err)
	}
	return b, nil
}

func splitRefs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// layerBytes is the size of a built image's layers.
func layerBytes(b project.Built) int64 {
	var n int64
	for _, l := range b.Image.Layers {
		n += l.Size
	}
	return n
}

// Loaded returns the image load:KEY loaded in the run s (as it ran or as
// recorded when cached) and its ID in the daemon.
func Loaded(p *project.Project, s pipeline.Summary, key string) (project.Built, string, error) {
	var built, loaded pipeline.Output
	for _, r := range s.Results {
		switch r.Step {
		case Build(key):
			built = r.Output
		case Load(key):
			loaded = r.Output
		}
	}
	if built[outJSON] == "" || loaded[outID] == "" {
		return project.Built{}, "", fmt.Errorf("%s did not load %s", Load(key), key)
	}
	b, err := p.Reopen(key, built[outJSON], built[outRef])
	return b, loaded[outID], err
}
