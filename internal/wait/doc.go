// Package wait pauses for a while unless a context is done first.
package wait
