package nix2container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

const (
	dgstA = "sha256:ab46c61a16ccc87599baa837cb8820390c21581dd52f174dea18586c1eb17adb"
	dgstB = "sha256:b985dda5a9acddfa52ed8f0287e20c976bd35843285ccb616857734a2c78c6fd"
	tarMT = `"application/vnd.oci.image.layer.v1.tar"`
)

// layerJSON returns a layer object with the given fields spliced in.
func layerJSON(fields string) string {
	return `{"digest":"` + dgstA + `","size":10240,"diff_ids":"` + dgstA + `","mediatype":` + tarMT + `,` + fields + `}`
}

func imageJSON(layers ...string) string {
	return `{"version":1,"image-config":{},"layers":[` + strings.Join(layers, ",") + `],"arch":"amd64"}`
}

func TestParseErrors(t *testing.T) {
	paths := `"paths":[{"path":"/nix/store/aaaa-x"}]`
	tests := []struct {
		name string
		json string
		want string // substring of the error
	}{
		{"malformed", "{\n  \"version\": 1,\n  \"layers\": [}", "line 3, column 14"},
		{"type error", `{"version":1,"layers":[{"size":"big"}]}`, "line 1"},
		{"empty input", ``, "parsing JSON"},
		{"version missing", `{"layers":[]}`, "predates nix2container v1.0.0 (2023-02) and must be rebuilt"},
		{"version null", `{"version":null,"layers":[]}`, "predates nix2container v1.0.0"},
		{"version 2", `{"version":2,"layers":[]}`, "unsupported version 2, this tool reads version 1"},
		{"bad digest", imageJSON(`{"digest":"sha256:abc","size":1,"diff_ids":"` + dgstA + `","mediatype":` + tarMT + `,` + paths + `}`), "layer 0: digest: "},
		{"missing digest", imageJSON(`{"size":1,"diff_ids":"` + dgstA + `","mediatype":` + tarMT + `,` + paths + `}`), "layer 0: digest: missing"},
		{"sha512 digest", imageJSON(`{"digest":"sha512:` + strings.Repeat("a", 128) + `","size":1,"diff_ids":"` + dgstA + `","mediatype":` + tarMT + `,` + paths + `}`), "want sha256"},
		{"bad diff_ids", imageJSON(layerJSON(paths), `{"digest":"`+dgstA+`","size":1,"diff_ids":"nope","mediatype":`+tarMT+`,`+paths+`}`), "layer 1: diff_ids: "},
		{"unknown mediatype", imageJSON(`{"digest":"` + dgstA + `","size":1,"diff_ids":"` + dgstA + `","mediatype":"application/x-tar",` + paths + `}`), `layer 0: mediatype: unknown media type "application/x-tar"`},
		{"missing mediatype", imageJSON(`{"digest":"` + dgstA + `","size":1,"diff_ids":"` + dgstA + `",` + paths + `}`), "layer 0: mediatype: missing"},
		{"no paths nor layer-path", imageJSON(layerJSON(paths), layerJSON(`"History":{}`)), "layer 1: paths: the layer has neither paths nor layer-path"},
		{"uncompressed digest != diff_ids", imageJSON(`{"digest":"` + dgstA + `","size":1,"diff_ids":"` + dgstB + `","mediatype":` + tarMT + `,` + paths + `}`), "layer 0: digest: " + dgstA + " differs from diff_ids"},
		{"negative size", imageJSON(`{"digest":"` + dgstA + `","size":-1,"diff_ids":"` + dgstA + `","mediatype":` + tarMT + `,` + paths + `}`), "layer 0: size: -1 is negative"},
		{"empty path", imageJSON(layerJSON(`"paths":[{"path":""}]`)), "layer 0: paths[0].path: empty"},
		{"bad created", `{"version":1,"layers":[],"created":"yesterday"}`, "parsing JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Parse([]byte(tt.json))
			if err == nil {
				t.Fatalf("Parse() = %+v, nil, want error containing %q", img, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() error = %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("Parse() error %q spans several lines", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	gz := `"application/vnd.oci.image.layer.v1.tar+gzip"`
	tests := []struct {
		name       string
		json       string
		wantConfig string
	}{
		{
			name:       "older file: no created, no History, duplicate layers",
			json:       imageJSON(layerJSON(`"paths":[{"path":"/nix/store/aaaa-x"}]`), layerJSON(`"paths":[{"path":"/nix/store/aaaa-x"}]`)),
			wantConfig: `{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["` + dgstA + `","` + dgstA + `"]},"history":[{},{}]}`,
		},
		{
			name:       "no layers, null created",
			json:       `{"version":1,"image-config":{"Cmd":["/bin/sh"]},"layers":[],"arch":"","created":null}`,
			wantConfig: `{"architecture":"","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"","diff_ids":null}}`,
		},
		{
			name: "pulled base layer and unknown keys",
			json: `{"version":1,"image-config":{"entrypoint":["/x"],"healthcheck":{}},"layers":[{"digest":"` + dgstB + `","size":0,"diff_ids":"` + dgstA +
				`","mediatype":` + gz + `,"layer-path":"/nix/store/bbbb-docker-image/x","History":{}}],"arch":"arm64","created":"2025-09-20T00:00:00+02:00"}`,
			wantConfig: `{"created":"2025-09-20T00:00:00+02:00","architecture":"arm64","os":"linux","config":{"Entrypoint":["/x"]},"rootfs":{"type":"layers","diff_ids":["` + dgstA + `"]},"history":[{}]}`,
		},
		{
			name:       "docker media type, lower-case history key",
			json:       imageJSON(`{"digest":"` + dgstA + `","size":3,"diff_ids":"` + dgstA + `","mediatype":"application/vnd.docker.image.rootfs.diff.tar","paths":[{"path":"/nix/store/aaaa-x"}],"history":{"created_by":"me"}}`),
			wantConfig: `{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["` + dgstA + `"]},"history":[{"created_by":"me"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Parse([]byte(tt.json))
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			blob, err := img.ConfigBlob()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantConfig, string(blob)); diff != "" {
				t.Errorf("ConfigBlob() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	img, err := ReadFile("testdata/cases/perms/image.json")
	if err != nil {
		t.Fatal(err)
	}
	want := Layer{
		Digest:    "sha256:5dc8956d5ca0fc08802c25eac00f5026f18a20c9b992868bd0ed6b82d882a75f",
		Size:      27648,
		DiffID:    "sha256:5dc8956d5ca0fc08802c25eac00f5026f18a20c9b992868bd0ed6b82d882a75f",
		MediaType: MediaTypeTar,
		Paths: []Path{{
			Path: fixtureAppPath,
			Options: &PathOptions{Perms: []Perm{
				{Regex: ".*/bin/.*", Mode: "0755", Uid: 1000, Gid: 100, Uname: "app", Gname: "users"},
				{Regex: ".*/etc/.*", Mode: "0600"},
			}},
		}},
		History: &v1.History{CreatedBy: "fixture", Author: "fixtures", Comment: "perms case"},
	}
	if diff := cmp.Diff([]Layer{want}, img.Layers); diff != "" {
		t.Errorf("Layers mismatch (-want +got):\n%s", diff)
	}
	if img.File != "testdata/cases/perms/image.json" || img.Version != 1 || img.Arch != "amd64" || img.Created == nil {
		t.Errorf("ReadFile() = File %q, Version %d, Arch %q, Created %v", img.File, img.Version, img.Arch, img.Created)
	}
	if img.Config.User != "1000:100" {
		t.Errorf("Config.User = %q, want 1000:100", img.Config.User)
	}
	if _, err := img.ConfigDigest(); err != nil {
		t.Error(err)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"layers":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	tests := []struct {
		path string
		want string
	}{
		{missing, "reading image JSON " + missing + ": no such file or directory"},
		{bad, "reading image JSON " + bad + ": version is missing"},
	}
	for _, tt := range tests {
		_, err := ReadFile(tt.path)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ReadFile(%s) = %v, want prefix %q", tt.path, err, tt.want)
		}
	}
}
