// Package registrytest provides registries for tests: tiny Ollama models, an in-process fake registry with fault injection, and Debian's docker-registry started on 127.0.0.1.
package registrytest
