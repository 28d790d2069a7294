// Package main is the demo image's only program, and the builder of both
// derivations of demo/flake.nix:
//
//   - `program install` (builder of .#hello) copies itself to $out/bin/nanna-demo;
//   - `program image` (builder of .#image) writes the nix2container JSON of
//     an image whose one layer holds $hello and whose entrypoint is
//     $hello/bin/nanna-demo, computing the layer digest with the project's
//     nix2container tar rules;
//   - without arguments (the image's entrypoint) it prints where it runs
//     from and which store paths the image holds.
//
// The demo target builds it statically with go build, so the flake needs no
// inputs and builds offline.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	v1 "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/nanna-coder/build/internal/nix2container"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "install":
		err = install(os.Getenv("out"))
	case len(os.Args) > 1 && os.Args[1] == "image":
		err = image(os.Getenv("out"), os.Getenv("hello"))
	default:
		err = greet(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nanna-demo:", err)
		os.Exit(1)
	}
}

func install(out string) error {
	self, err := os.Open("/proc/self/exe")
	if err != nil {
		return err
	}
	defer self.Close()
	if err := os.MkdirAll(filepath.Join(out, "bin"), 0o755); err != nil {
		return err
	}
	dst, err := os.OpenFile(filepath.Join(out, "bin", "nanna-demo"), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o555)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, self); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func image(out, hello string) error {
	layer, err := nix2container.NewLayer(context.Background(), []nix2container.Path{{Path: hello}}, nix2container.Store{})
	if err != nil {
		return err
	}
	created := time.Unix(1, 0).UTC()
	img := &nix2container.Image{
		Version: nix2container.Version,
		Config: v1.ImageConfig{
			Entrypoint: []string{filepath.Join(hello, "bin", "nanna-demo")},
			Env:        []string{"PATH=" + filepath.Join(hello, "bin")},
			Labels:     map[string]string{"org.opencontainers.image.title": "nanna-coder demo"},
		},
		Layers:  []nix2container.Layer{layer},
		Arch:    runtime.GOARCH,
		Created: &created,
	}
	return img.WriteFile(out)
}

func greet(w io.Writer) error {
	self, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return err
	}
	entries, err := os.ReadDir("/nix/store")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Hello from nanna-coder's demo image (%s/%s).\n", runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "This program runs from %s; the image's /nix/store holds:\n", self)
	for _, e := range entries {
		fmt.Fprintf(w, "  /nix/store/%s\n", e.Name())
	}
	return nil
}
