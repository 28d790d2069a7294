package ui

import "fmt"

// Bytes formats a byte count in binary units: "512 B", "124.0 KiB",
// "1.5 GiB".
func Bytes(n int64) string { return format(n, 1024, "KMGTPE", "iB") }

// DecimalBytes formats a byte count in decimal units, as `ollama list` and
// model cards do: "4.7 GB".
func DecimalBytes(n int64) string { return format(n, 1000, "kMGTPE", "B") }

func format(n, unit int64, prefixes, suffix string) string {
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := unit, 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %c%s", float64(n)/float64(div), prefixes[exp], suffix)
}

// Short returns the first 12 characters of a digest's hex part, as Docker
// shows image IDs.
func Short(hex string) string {
	if len(hex) > 12 {
		return hex[:12]
	}
	return hex
}
