package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nanna-coder/build/internal/jsonerr"
	"github.com/nanna-coder/build/internal/ui"
)

// Parse reads the configuration from the JSON that
// `nix eval --impure --json --file nix/container-config.nix` prints and
// validates it (see Config.Validate). Every problem is reported, one per
// line, naming its key path; the errors wrap ErrInvalid. Keys the Go side
// does not use (runtime, for example) are ignored. Config.Env is left
// empty: the JSON does not say which variables the file read (Load fills
// it in).
func Parse(data []byte) (Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return Config{}, fmt.Errorf("config: %w", jsonerr.Describe(data, err))
	}
	if root == nil {
		return Config{}, fmt.Errorf("config: parsing JSON: want an attribute set, got %s", ui.Abbreviate(string(data), 100))
	}
	r := &reader{root: root}
	imgs := r.images()
	r.smoke(imgs)
	c := Config{
		Registry: Registry{
			URL:        r.str("registry.url"),
			Repository: r.str("registry.repository"),
		},
		Images: imgs,
		Tags: Tags{
			Default:    r.str("tags.default"),
			FromCommit: r.str("tags.fromCommit"),
			FromBranch: r.str("tags.fromBranch"),
			Semver:     r.str("tags.semver"),
		},
		Loading: Loading{
			Method: r.str("loading.method"),
			Retries: Retries{
				MaxAttempts: r.integer("loading.retries.maxAttempts"),
				Delay:       r.seconds("loading.retries.delaySeconds"),
			},
			Timeout: r.seconds("loading.timeoutSeconds"),
			Verbose: r.boolean("loading.verbose"),
		},
	}
	if len(r.errs) > 0 {
		return Config{}, errors.Join(r.errs...)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// reader looks up values by dotted key path and collects the problems.
type reader struct {
	root map[string]any
	errs []error
}

func (r *reader) fail(key, format string, args ...any) {
	err := invalid(key, format, args...)
	for _, e := range r.errs {
		if e.Error() == err.Error() {
			return
		}
	}
	r.errs = append(r.errs, err)
}

// get returns the value at the dotted key path, or false after recording
// why there is none.
func (r *reader) get(key string) (any, bool) {
	parts := strings.Split(key, ".")
	var v any = r.root
	for i, p := range parts {
		m, ok := v.(map[string]any)
		if !ok {
			r.fail(strings.Join(parts[:i], "."), "must be an attribute set, got %s", describe(v))
			return nil, false
		}
		if v, ok = m[p]; !ok {
			r.fail(strings.Join(parts[:i+1], "."), "is missing")
			return nil, false
		}
	}
	return v, true
}

func (r *reader) str(key string) string {
	v, ok := r.get(key)
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.fail(key, "must be a string, got %s", describe(v))
	}
	return s
}

func (r *reader) boolean(key string) bool {
	v, ok := r.get(key)
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		r.fail(key, "must be a boolean, got %s", describe(v))
	}
	return b
}

func (r *reader) integer(key string) int {
	v, ok := r.get(key)
	if !ok {
		return 0
	}
	n, ok := v.(json.Number)
	i, err := n.Int64()
	if !ok || err != nil || i < math.MinInt32 || i > math.MaxInt32 {
		r.fail(key, "must be an integer, got %s", describe(v))
		return 0
	}
	return int(i)
}

// seconds reads a number of seconds (integer or not) as a duration.
func (r *reader) seconds(key string) time.Duration {
	v, ok := r.get(key)
	if !ok {
		return 0
	}
	n, ok := v.(json.Number)
	f, err := n.Float64()
	if !ok || err != nil || math.Abs(f) > float64(math.MaxInt64/int64(time.Second)) {
		r.fail(key, "must be a number of seconds, got %s", describe(v))
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// images reads images.* (names of non-model images) and images.models.*.
func (r *reader) images() []Image {
	v, ok := r.get("images")
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.fail("images", "must be an attribute set, got %s", describe(v))
		return nil
	}
	var imgs []Image
	for _, key := range slices.Sorted(maps.Keys(m)) {
		v := m[key]
		if key == "models" {
			continue
		}
		name, ok := v.(string)
		if !ok {
			r.fail("images."+key, "must be a string, got %s", describe(v))
			continue
		}
		imgs = append(imgs, newImage(key, name, false))
	}
	if v, ok := m["models"]; ok {
		models, ok := v.(map[string]any)
		if !ok {
			r.fail("images.models", "must be an attribute set, got %s", describe(v))
		}
		for _, key := range slices.Sorted(maps.Keys(models)) {
			v := models[key]
			name, ok := v.(string)
			if !ok {
				r.fail("images.models."+key, "must be a string, got %s", describe(v))
				continue
			}
			imgs = append(imgs, newImage(key, name, true))
		}
	}
	sortImages(imgs)
	return imgs
}

// describe renders a JSON value for an error message.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an attribute set"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("%q", v)
	default:
		return fmt.Sprint(v)
	}
}
