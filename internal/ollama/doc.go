// Package ollama fetches Ollama models natively (registry protocol, resumable verified blob downloads) and reads and writes Ollama's models directory layout.
package ollama
