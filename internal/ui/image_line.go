package ui

import (
	"fmt"
	"strconv"
	"strings"
)

// Image is an image a step built, loaded or pushed, as the step reports it
// in a summary line (pipeline.Context.Summarize) made by [ImageLine]. The
// GitHub reporter shows such lines as rows of its images table and sets
// the step's outputs from them.
//
// The line is "image REFERENCE" followed by space-separated key=value
// fields, each present only when known:
//
//	image ghcr.io/nanna-coder/ollama:latest id=sha256:3f… digest=sha256:9c… size=1288490188 sent=2 skipped=5
//
// id is the image's identity (its ID in the daemon, the config digest),
// digest its manifest digest in a registry, size its bytes, sent and
// skipped the layers sent and those the daemon or registry already had.
// Unknown keys are ignored; a line that is not of this form is an
// ordinary summary line.
type Image struct {
	Reference string // "ghcr.io/nanna-coder/ollama:latest"
	ID        string // "sha256:…"; empty if unknown
	Digest    string // "sha256:…" in the registry; empty unless pushed
	Size      int64  // bytes; zero if unknown
	// Layers is true when LayersSent and LayersSkipped are known.
	Layers        bool
	LayersSent    int
	LayersSkipped int
}

// imagePrefix starts an image line.
const imagePrefix = "image "

// ImageLine returns the summary line that reports img.
func ImageLine(img Image) string {
	var b strings.Builder
	b.WriteString(imagePrefix + img.Reference)
	field := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, " %s=%s", k, v)
		}
	}
	field("id", img.ID)
	field("digest", img.Digest)
	if img.Size > 0 {
		field("size", strconv.FormatInt(img.Size, 10))
	}
	if img.Layers {
		field("sent", strconv.Itoa(img.LayersSent))
		field("skipped", strconv.Itoa(img.LayersSkipped))
	}
	return b.String()
}

// ParseImageLine returns the image a summary line reports, or false if it
// is not an image line.
func ParseImageLine(line string) (Image, bool) {
	rest, ok := strings.CutPrefix(line, imagePrefix)
	if !ok {
		return Image{}, false
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 || strings.Contains(fields[0], "=") {
		return Image{}, false
	}
	img := Image{Reference: fields[0]}
	var sent, skipped bool
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return Image{}, false
		}
		var err error
		switch k {
		case "id":
			img.ID = v
		case "digest":
			img.Digest = v
		case "size":
			img.Size, err = strconv.ParseInt(v, 10, 64)
		case "sent":
			img.LayersSent, err = strconv.Atoi(v)
			sent = true
		case "skipped":
			img.LayersSkipped, err = strconv.Atoi(v)
			skipped = true
		}
		if err != nil {
			return Image{}, false
		}
	}
	img.Layers = sent && skipped
	return img, true
}

// Brief is img for people: "nanna-coder-ollama:latest 840a46d678dc,
// 2.8 MiB, 1 layer sent, 2 present", with what is known.
func (img Image) Brief() string {
	parts := []string{img.Reference}
	if img.ID != "" {
		parts[0] += " " + Short(strings.TrimPrefix(img.ID, "sha256:"))
	} else if img.Digest != "" {
		parts[0] += "@" + Short(strings.TrimPrefix(img.Digest, "sha256:"))
	}
	if img.Size > 0 {
		parts = append(parts, Bytes(img.Size))
	}
	if img.Layers {
		parts = append(parts, Plural(img.LayersSent, "layer")+" sent", fmt.Sprintf("%d present", img.LayersSkipped))
	}
	return strings.Join(parts, ", ")
}

// Readable returns a summary line for people: an image line in its
// [Image.Brief] form, any other line as it is.
func Readable(line string) string {
	if img, ok := ParseImageLine(line); ok {
		return img.Brief()
	}
	return line
}
