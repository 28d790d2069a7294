package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// message is one object of the daemon's JSON stream. Old daemons also set the
// plain "error" field, newer ones only "errorDetail".
type message struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
}

// daemonError is an error the daemon reported in its response stream.
type daemonError struct{ msg string }

func (e *daemonError) Error() string { return "Docker engine reported: " + e.msg }

// readResponse decodes the load response stream, returns the daemon's own
// lines (such as "Loaded image ID: sha256:…") and fails on the first error
// message.
func readResponse(r io.Reader) ([]string, error) {
	dec := json.NewDecoder(r)
	var lines []string
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return lines, nil
		}
		if err != nil {
			return lines, fmt.Errorf("reading the daemon's response: %w", err)
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return lines, &daemonError{m.ErrorDetail.Message}
		}
		if m.Error != "" {
			return lines, &daemonError{m.Error}
		}
		if s := strings.TrimSpace(m.Stream + m.Status); s != "" {
			lines = append(lines, s)
			if strings.HasPrefix(s, "Error unpacking image") {
				return lines, &unpackError{s}
			}
		}
	}
}

// unpackError is the containerd store's complaint, as a plain stream line
// inside a successful (HTTP 200) answer, that it could not unpack the image
// it just created: a blob is missing from its content store.
type unpackError struct{ msg string }

func (e *unpackError) Error() string { return "Docker engine reported: " + e.msg }
