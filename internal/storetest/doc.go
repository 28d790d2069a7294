// Package storetest lays out nix2container's golden fixtures (internal/nix2container/testdata) as a temporary /nix/store for tests in other packages.
package storetest
