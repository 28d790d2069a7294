// Package main is the goprog command; it exercises the Go runtime under
// emulation: goroutines, channels, a timer (signals for preemption) and fmt.
// It prints its GOARCH and a checksum that does not depend on the
// architecture.
package main

import (
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"time"
)

func main() {
	const workers = 8
	sums := make([][32]byte, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			b := []byte{byte(i)}
			for range 5000 {
				s := sha256.Sum256(b)
				b = s[:]
			}
			sums[i] = [32]byte(b)
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		fmt.Println("timeout")
		return
	}
	total := sha256.New()
	for _, s := range sums {
		total.Write(s[:])
	}
	fmt.Printf("%s %x\n", runtime.GOARCH, total.Sum(nil)[:8])
}
