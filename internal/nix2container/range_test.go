package nix2container

import (
	"context"
	"io"
	"testing"
)

// A one-layer image says "1 layer" when asked for a layer it lacks.
func TestOutOfRangeLayerCountsLayers(t *testing.T) {
	img := &Image{Layers: make([]Layer, 1)}
	_, err := img.StreamLayer(context.Background(), 1, io.Discard, Store{})
	if want := "streaming layer 1: the image has 1 layer"; err == nil || err.Error() != want {
		t.Errorf("StreamLayer(1) = %v, want %q", err, want)
	}
	err = img.Diagnose(context.Background(), &MismatchError{Layer: 3}, Store{})
	if want := "diagnosing layer 3: the image has 1 layer"; err == nil || err.Error() != want {
		t.Errorf("Diagnose(layer 3) = %v, want %q", err, want)
	}
}
