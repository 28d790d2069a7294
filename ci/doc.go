// Package ci runs the project's checks and tests the same way for developers and CI, and tells integration tests whether a missing service is a skip or a failure.
package ci
