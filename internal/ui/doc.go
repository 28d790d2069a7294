// Package ui formats what the project shows people: summary lines and
// per-layer lines (plurals, durations, byte sizes, short digests, path
// lists), progress bars, the writer that stands for "show nothing", and
// writers that count or cap the bytes passed on.
package ui
