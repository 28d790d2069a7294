// Package bench measures loading against the Docker daemon's own ingest (docker load of a prebuilt archive) in one run and reports ratios.
package bench
