// Package main, smokeprog, is the program of the integration tests' image: it
// runs its arguments as steps, in order:
//
//	print TEXT   write TEXT and a newline to stdout
//	warn TEXT    write TEXT and a newline to stderr
//	sleep SECS   sleep
//	exit CODE    exit with CODE
//
// It is built statically, so the image needs nothing else.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	args := os.Args[1:]
	for len(args) >= 2 {
		step, arg := args[0], args[1]
		args = args[2:]
		n, err := strconv.Atoi(arg)
		switch {
		case step == "print":
			fmt.Println(arg)
		case step == "warn":
			fmt.Fprintln(os.Stderr, arg)
		case step == "sleep" && err == nil:
			time.Sleep(time.Duration(n) * time.Second)
		case step == "exit" && err == nil:
			os.Exit(n)
		default:
			fmt.Fprintf(os.Stderr, "smokeprog: unknown step %s %s\n", step, arg)
			os.Exit(2)
		}
	}
	if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "smokeprog: %s needs an argument\n", args[0])
		os.Exit(2)
	}
}
