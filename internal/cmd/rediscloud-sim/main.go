// Command rediscloud-sim serves a simulated Redis Cloud API for offline
// tests and demos. See the cloudsim package documentation for its flags,
// control endpoints and seed format.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

func main() {
	os.Exit(run())
}

// run returns the exit code, so deferred cleanup runs before os.Exit.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cloudsim.RunCommand(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintln(os.Stderr, "rediscloud-sim:", err)
		return 2
	}
}
