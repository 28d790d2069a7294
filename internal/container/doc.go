// Package container runs a command in a container of a loaded image through
// the Docker Engine API and returns its output and exit status: the demo's
// proof run, smoke tests and dev:run use it.
package container
