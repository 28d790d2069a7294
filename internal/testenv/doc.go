// Package testenv gates integration tests on the services they need: a missing Docker daemon, Nix, registry or fixture skips the test with a note on how to get it, or fails it under CI (CI=true), where everything must be present.
package testenv
