// Package humanize formats byte counts and digests for people reading one-line summaries.
package humanize

import "fmt"

// Bytes formats a byte count in binary units: "512 B", "124.0 KiB",
// "1.5 GiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// Short returns the first 12 characters of a digest's hex part, as Docker
// shows image IDs.
func Short(hex string) string {
	if len(hex) > 12 {
		return hex[:12]
	}
	return hex
}
