// Package main is the hello command: it prints /message.txt, the integration test's image entrypoint,
// built static so that it runs in an image without libc.
package main

import (
	"fmt"
	"os"
)

func main() {
	b, err := os.ReadFile("/message.txt")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(string(b))
}
