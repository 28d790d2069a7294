// Package main is the probe command: the tiny program binfmt runs to prove
// that an emulator works: it prints its GOARCH and, when Nix runs it as a
// builder (the out environment variable is set), also writes it to $out.
//
// It is cross-built for every platform by go generate in the binfmt package
// and embedded there, compressed. It uses syscall only, so that it stays small
// and works in an empty chroot.
package main

import (
	"runtime"
	"syscall"
)

func main() {
	msg := []byte(runtime.GOARCH + "\n")
	if _, err := syscall.Write(1, msg); err != nil {
		syscall.Exit(1)
	}
	out, ok := syscall.Getenv("out")
	if !ok {
		return
	}
	fd, err := syscall.Open(out, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, 0o644)
	if err != nil {
		syscall.Exit(2)
	}
	if _, err := syscall.Write(fd, msg); err != nil {
		syscall.Exit(3)
	}
	if err := syscall.Close(fd); err != nil {
		syscall.Exit(4)
	}
}
