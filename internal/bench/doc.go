// Package bench measures this module's loading and hashing against the reference tools (docker load, nix hash path) in one run and reports ratios.
package bench
