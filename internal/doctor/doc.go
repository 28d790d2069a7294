// Package doctor checks that a machine can build and load nanna-coder's images and says how to fix what is missing.
package doctor
