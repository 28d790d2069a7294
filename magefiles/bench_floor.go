//go:build mage

package main

// Floor does nothing: a benchmark helper, the start-up cost of the targets binary that bench:pipeline subtracts.
func (Bench) Floor() {}
