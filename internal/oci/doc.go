// Package oci presents nix2container images as go-containerregistry images and indexes: the OCI manifest skopeo's nix: transport makes, the config blob byte for byte, and layers streamed and verified from /nix/store.
package oci
