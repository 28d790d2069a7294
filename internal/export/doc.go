// Package export writes nix2container images to files: docker-archive tars for `docker load`, OCI image layout directories and OCI archives, each written completely or not at all.
package export
