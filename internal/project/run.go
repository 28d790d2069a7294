package project

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/client"
	"github.com/opencontainers/go-digest"

	"github.com/nanna-coder/build/internal/container"
	"github.com/nanna-coder/build/internal/daemon"
	"github.com/nanna-coder/build/internal/push"
)

// Run runs a container as opts say in the daemon the project loads into
// and returns its exit status; when ctx ends (Ctrl-C) the container is
// killed and removed.
func (p *Project) Run(ctx context.Context, opts container.Options) (int, error) {
	c, err := p.connect(ctx)
	if err != nil {
		return 0, err
	}
	defer c.Close() //nolint:errcheck // nothing was written
	return container.Run(ctx, c, opts)
}

// Smoke runs the smoke command of the image with key (smoke.commands.<key>
// of nix/container-config.nix) in a container of the image with id (known
// as ref), without network, within smoke.timeoutSeconds, and returns a line
// saying it passed.
func (p *Project) Smoke(ctx context.Context, key, id, ref string) (string, error) {
	img, err := p.Config.Lookup(key)
	if err != nil {
		return "", err
	}
	c, err := p.connect(ctx)
	if err != nil {
		return "", err
	}
	defer c.Close() //nolint:errcheck // nothing was written
	opts := container.Options{Image: id, Cmd: img.Smoke, Timeout: img.SmokeTimeout}
	if p.out.Verbose {
		opts.Stdout, opts.Stderr = p.out.Log, p.out.Log
	}
	if _, err := container.Smoke(ctx, c, opts); err != nil {
		var se *container.SmokeError
		if errors.As(err, &se) && errors.Is(err, container.ErrTimeout) {
			se.Hint = "raise smoke.timeoutSeconds in " + ConfigFile
		}
		return "", err
	}
	return fmt.Sprintf("%s (%s): `%s` passed", ref, short(id), strings.Join(img.Smoke, " ")), nil
}

// connect opens the Docker Engine API the project's loads go to.
func (p *Project) connect(ctx context.Context) (*client.Client, error) {
	ep, err := daemon.Resolve(p.getenv)
	if err != nil {
		return nil, err
	}
	return daemon.Connect(ctx, ep)
}

// Pushed checks that the registry still serves the manifest with digest
// under each of refs.
func (p *Project) Pushed(ctx context.Context, d string, refs []string, opts PushOptions) error {
	po := p.pushOptions(opts)
	po.Log = nil
	for _, ref := range refs {
		got, err := push.ManifestDigest(ctx, ref, po)
		if err != nil {
			return err
		}
		if got != digest.Digest(d) {
			return fmt.Errorf("%s is now %s, not the %s pushed", ref, short(got.String()), short(d))
		}
	}
	return nil
}

// Command returns the Cmd that passes args to the image's program: args
// themselves when the image has an Entrypoint, else its Cmd's program
// followed by args (nanna-coder's images set only Cmd). No args keeps the
// image's own Cmd (nil).
func (b Built) Command(args []string) []string {
	cfg := b.Image.Config
	if len(args) == 0 {
		return nil
	}
	if len(cfg.Entrypoint) > 0 || len(cfg.Cmd) == 0 {
		return args
	}
	return append([]string{cfg.Cmd[0]}, args...)
}
