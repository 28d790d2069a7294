// Package engine connects to a Docker Engine API from the environment or the current Docker context.
package engine
