package daemon

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestBufferedPipe(t *testing.T) {
	boom := errors.New("digest mismatch")
	tests := []struct {
		name     string
		writeErr error
		useCopy  bool
		wantErr  error
	}{
		{"read to EOF", nil, false, nil},
		{"WriteTo to EOF", nil, true, nil},
		{"writer error reaches the reader after the data", boom, false, boom},
		{"writer error reaches WriteTo", boom, true, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newBufferedPipe()
			want := strings.Repeat("nanna", 100000)
			go func() {
				for i := 0; i < len(want); i += 7000 {
					if _, err := p.Write([]byte(want[i:min(i+7000, len(want))])); err != nil {
						t.Errorf("Write() = %v", err)
					}
				}
				p.CloseWrite(tt.writeErr)
			}()
			var got bytes.Buffer
			var err error
			if tt.useCopy {
				_, err = p.WriteTo(&got)
			} else {
				_, err = io.Copy(&got, struct{ io.Reader }{p})
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("reading = %v, want %v", err, tt.wantErr)
			}
			if got.String() != want {
				t.Errorf("read %d bytes, want all %d written before the close", got.Len(), len(want))
			}
		})
	}
}

func TestBufferedPipeReaderGivesUp(t *testing.T) {
	p := newBufferedPipe()
	p.CloseRead(errDaemonDone)
	var err error
	for i := 0; i <= pipeDepth && err == nil; i++ {
		_, err = p.Write([]byte("layer bytes"))
	}
	if !errors.Is(err, errDaemonDone) {
		t.Errorf("Write() after the reader gave up = %v, want %v", err, errDaemonDone)
	}
}
