//go:build integration

package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"

	"github.com/nanna-coder/build/internal/nix2container"
)

// TestIntegrationHolderRemovedDuringUpload removes the image holding the
// layers a delta load leaves out while the upload is held, as `docker rmi`
// during a load does; the load then sends every layer once more.
func TestIntegrationHolderRemovedDuringUpload(t *testing.T) {
	c, dial := daemon(t)
	stamp := fmt.Sprint(time.Now().UnixNano())
	base := storeImage(t, nil, false, storeTree{"lib/a": "a " + stamp}, storeTree{"lib/b": "b " + stamp}, storeTree{"bin/c": "c " + stamp})
	baseID := idOf(t, c, base)
	removeImage(t, c, baseID)
	// On the containerd store the upload goes through the Docker API, where
	// the race is.
	if _, err := Image(context.Background(), dial, base, Options{Refs: []string{"nanna-test-holder:base"}, ViaDockerAPI: true}); err != nil {
		t.Fatal(err)
	}
	// A top layer of 1 MiB, so that the upload is held before its end.
	changed := storeImage(t, nil, false, storeTree{"lib/a": "a " + stamp}, storeTree{"lib/b": "b " + stamp},
		storeTree{"bin/c": strings.Repeat("changed "+stamp, 1<<20/len(stamp))})
	removeImage(t, c, idOf(t, c, changed))
	p, proxied := startProxy(t, holdUpload, 256<<10)
	go func() {
		<-p.reached
		_, err := c.ImageRemove(context.Background(), baseID, client.ImageRemoveOptions{Force: true})
		if err != nil {
			t.Errorf("removing the holding image during the upload: %v", err)
		}
		p.open()
	}()
	res, err := Image(context.Background(), proxied, changed, Options{Refs: []string{"nanna-test-holder:changed"}, Related: []string{"nanna-test-holder:base"}, ViaDockerAPI: true})
	if err != nil {
		t.Fatalf("Image() with the holding image removed during the upload = %v", err)
	}
	if diff := cmp.Diff([]int{0, 1, 2}, res.Sent); diff != "" {
		t.Errorf("layers sent mismatch (-want +got):\n%s", diff)
	}
	if got := p.count("/images/load"); got != 2 {
		t.Errorf("%d uploads, want the delta and one with every layer", got)
	}
	got, err := c.ImageInspect(context.Background(), "nanna-test-holder:changed")
	if err != nil || got.ID != res.ID.String() || len(got.RootFS.Layers) != 3 {
		t.Errorf("inspecting the loaded image: %v, %v; want %s with 3 layers", got.ID, err, res.ID)
	}
}

// TestIntegrationInterruptedAfterUpload interrupts a load when the daemon
// has created the image (its answer is held): the image is removed.
func TestIntegrationInterruptedAfterUpload(t *testing.T) {
	c, _ := daemon(t)
	stamp := fmt.Sprint(time.Now().UnixNano())
	img := storeImage(t, nil, false, storeTree{"lib/a": "a " + stamp}, storeTree{"bin/app": "app " + stamp})
	id := idOf(t, c, img)
	removeImage(t, c, id)
	p, proxied := startProxy(t, holdAnswer, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-p.reached
		if _, err := c.ImageInspect(context.Background(), id); err != nil {
			t.Errorf("the daemon has no image %s when it answers the upload: %v", id, err)
		}
		cancel() // Ctrl-C
		p.open()
	}()
	_, err := Image(ctx, proxied, img, Options{Refs: []string{"nanna-test-interrupted-late:it"}, ViaDockerAPI: true})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was tagged") {
		t.Fatalf("Image() = %v, want it interrupted with nothing tagged", err)
	}
	t.Log(err)
	if _, err := c.ImageInspect(context.Background(), id); err == nil {
		t.Errorf("image %s exists after the interrupted load", id)
	}
}

// TestIntegrationUnrelatedImageNotInspected loads a tiny image next to one
// whose config is 50 MB: the big one is never inspected, nor are the images
// listed (a listing reads every config, filters or not).
func TestIntegrationUnrelatedImageNotInspected(t *testing.T) {
	c, dial := daemon(t)
	stamp := fmt.Sprint(time.Now().UnixNano())
	big := storeImage(t, nil, false, storeTree{"lib/big": "big " + stamp})
	big.Config.Labels = map[string]string{"padding": strings.Repeat("x", 50<<20)}
	bigID := idOf(t, c, big)
	removeImage(t, c, bigID)
	if _, err := Image(context.Background(), dial, big, Options{Refs: []string{"nanna-test-bigconfig:it"}}); err != nil {
		t.Fatal(err)
	}
	tiny := storeImage(t, nil, false, storeTree{"bin/tiny": "tiny " + stamp})
	removeImage(t, c, idOf(t, c, tiny))
	p, proxied := startProxy(t, noGate, 0)
	res, err := Image(context.Background(), proxied, tiny, Options{Refs: []string{"nanna-test-tiny:it"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := p.count(bigID); n != 0 {
		t.Errorf("the image with the 50 MB config was inspected %d times, want 0", n)
	}
	if n := p.count("/images/json"); n != 0 {
		t.Errorf("the images were listed %d times, want 0: the daemon reads every config to list them", n)
	}
	t.Logf("tiny load next to a 50 MB config: %s, %d inspects", res.Elapsed, p.count("/json"))
}

// cancelOn cancels the load when a log line contains what: Ctrl-C at that
// moment of a direct write into containerd.
type cancelOn struct {
	what   string
	cancel func()
}

func (c cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.what) {
		c.cancel()
	}
	return len(p), nil
}

// TestIntegrationInterruptedDirect interrupts a load that writes straight
// into the daemon's containerd, once after its first blob (before the image
// record exists) and once after the record was written (before the load
// verified and tagged it): no image and no tag are left, and the next load
// completes.
func TestIntegrationInterruptedDirect(t *testing.T) {
	c, dial := daemon(t)
	if storeOf(t, c) != ContainerdStore {
		t.Skip("the daemon does not use the containerd image store: nothing is written into containerd directly")
	}
	ref := "nanna-test-interrupted-direct:it"
	var img *nix2container.Image
	for _, at := range []string{"containerd: sent sha256:", "layer 1/3"} {
		// A new image each time: blobs of the first attempt may stay in the
		// content store until its garbage collector runs.
		stamp := fmt.Sprint(time.Now().UnixNano())
		big := func(name string) storeTree {
			return storeTree{name: strings.Repeat(name+stamp, (4<<20)/len(name+stamp))}
		}
		img = storeImage(t, nil, false, big("lib/a"), big("lib/b"), big("bin/c"))
		id := idOf(t, c, img)
		removeImage(t, c, id)
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Image(ctx, dial, img, Options{Refs: []string{ref}, Log: cancelOn{at, cancel}, Verbose: true})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Image() interrupted at %q = %v, want it interrupted", at, err)
		}
		if _, err := c.ImageInspect(context.Background(), id); err == nil {
			t.Errorf("image %s exists after the load interrupted at %q", id, at)
		}
		if _, err := c.ImageInspect(context.Background(), ref); err == nil {
			t.Errorf("%s exists after the load interrupted at %q", ref, at)
		}
	}
	res, err := Image(context.Background(), dial, img, Options{Refs: []string{ref}})
	if err != nil || res.Path != pathContainerd {
		t.Fatalf("Image() after the interrupted one = %+v, %v; want a direct load", res, err)
	}
}
