package cliharness

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// RunWithProvider is a TestMain body for packages whose tests drive the CLI:
// when acceptance tests are on (TF_ACC), it builds the provider once into a
// temporary directory, stores that directory in *providerDir, runs the tests
// and removes it. It returns the exit code for os.Exit.
func RunWithProvider(m *testing.M, providerDir *string, version string) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "provider-"+version+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	_, err = BuildProvider(ctx, dir, version)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*providerDir = dir
	return m.Run()
}
