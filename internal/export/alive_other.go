//go:build !unix

package export

// alive says every process may be alive: no temporary file is removed.
func alive(int) bool { return true }
