// Package daemon loads Nix-built images into a Docker Engine or Podman: it finds the endpoint the Docker CLI would use, connects, tells the daemon's image store apart, and streams only the layers the daemon lacks.
package daemon
