// Package imageref reads the name[:tag] references images are tagged with, with one error message for every caller.
package imageref
