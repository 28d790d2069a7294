// Package ci runs the project's checks and tests the same way for developers and CI, and reports a pipeline run in GitHub Actions' own terms (groups, annotations, job summary, outputs) when it runs there.
package ci
