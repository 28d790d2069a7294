package config

import "fmt"

// smoke reads smoke.timeoutSeconds and smoke.commands.* into imgs. Every
// image needs a command (an empty list for none), so that a new image or a
// misspelt key is noticed; commands for images that are gone are ignored.
func (r *reader) smoke(imgs []Image) {
	timeout := r.seconds("smoke.timeoutSeconds")
	v, ok := r.get("smoke.commands")
	if !ok {
		return
	}
	commands, ok := v.(map[string]any)
	if !ok {
		r.fail("smoke.commands", "must be an attribute set, got %s", describe(v))
		return
	}
	models, _ := commands["models"].(map[string]any)
	v, badModels := commands["models"]
	if badModels = badModels && models == nil; badModels {
		r.fail("smoke.commands.models", "must be an attribute set, got %s", describe(v))
	}
	for i := range imgs {
		img := &imgs[i]
		key, set := "smoke.commands."+img.Key, commands
		if img.Model {
			key, set = "smoke.commands.models."+img.Key, models
		}
		v, ok := set[img.Key]
		if !ok {
			if !img.Model || !badModels {
				r.fail(key, "is missing: give the image a smoke command, or [ ] for none")
			}
			continue
		}
		img.Smoke = r.command(key, v)
		img.SmokeTimeout = timeout
	}
}

// command reads a list of strings; an empty list is nil.
func (r *reader) command(key string, v any) []string {
	list, ok := v.([]any)
	if !ok {
		r.fail(key, "must be a list of strings, got %s", describe(v))
		return nil
	}
	var cmd []string
	for i, a := range list {
		s, ok := a.(string)
		if !ok {
			r.fail(fmt.Sprintf("%s[%d]", key, i), "must be a string, got %s", describe(a))
			continue
		}
		cmd = append(cmd, s)
	}
	return cmd
}
