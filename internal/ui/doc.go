// Package ui formats what the project shows people: summary lines and
// per-layer lines (plurals, durations, byte sizes, short digests, path
// lists), progress bars, and the writer that stands for "show nothing".
package ui
