package push

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"
)

func TestReport(t *testing.T) {
	manifest := digest.Digest("sha256:3b14ab5ed0074c8dd664120344ad5dd2f2f43fd7d5cd5e430750582dbe82f556")
	config := digest.Digest("sha256:84c9b3ddd817edb8276189c6aa0d853a54e0511d648a9b6215676b1ee5ff241d")
	blobs := []Blob{
		{Digest: "sha256:ab46c61a16ccc87599baa837cb8820390c21581dd52f174dea18586c1eb17adb", Size: 102400, Sent: true, What: "/nix/store/a-lib"},
		{Digest: "sha256:973946ab0a8925372d0f1c25feb0f205eb0bf41e21683c41c0a459e4838da0e5", Size: 77312, What: "/nix/store/b-app"},
	}
	tests := []struct {
		name    string
		res     Result
		verbose bool
		want    string
	}{
		{
			name: "image",
			res:  Result{Refs: []string{"ghcr.io/o/r/ollama:latest", "ghcr.io/o/r/ollama:abc"}, Digest: manifest, Config: config, Blobs: blobs, ConfigsSent: 1, Elapsed: 1234 * time.Millisecond},
			want: "ghcr.io/o/r/ollama:latest and 1 more: pushed 3b14ab5ed007 (image 84c9b3ddd817), 1 layer sent (100.0 KiB), 1 already in the registry, 1.234s\n",
		},
		{
			name: "nothing sent",
			res:  Result{Refs: []string{"127.0.0.1:5000/x:y"}, Digest: manifest, Config: config, Blobs: blobs[1:], Elapsed: 12 * time.Millisecond},
			want: "127.0.0.1:5000/x:y: pushed 3b14ab5ed007 (image 84c9b3ddd817); nothing sent, the registry had every blob (12ms)\n",
		},
		{
			name:    "verbose index",
			verbose: true,
			res: Result{Refs: []string{"r.io/x:y"}, Digest: manifest, Blobs: blobs, ConfigsSent: 2, Elapsed: time.Second,
				Platforms: []Platform{{Platform: "linux/amd64", Digest: manifest, Config: config}}},
			want: "  linux/amd64: manifest " + manifest.String() + ", config " + config.String() + "\n" +
				"  layer 1/2 ab46c61a16cc sent 100.0 KiB (/nix/store/a-lib)\n" +
				"  layer 2/2 973946ab0a89 already in the registry (/nix/store/b-app)\n" +
				"r.io/x:y: pushed index 3b14ab5ed007 (linux/amd64), 1 layer sent (100.0 KiB), 1 already in the registry, 1s\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			report(Options{Log: &out, Verbose: tt.verbose}, tt.res)
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("report() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
