// Package dockerarchive writes the tar archives `docker load` and POST /images/load read, from Nix-built images: docker-archives, and OCI image layouts that also carry manifest.json, each layer streamed from the store and verified as it is written, with the layers the reader already holds left out.
package dockerarchive
