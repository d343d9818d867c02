package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/provider"
)

// Run "go generate" to format example configurations and regenerate the docs.
//go:generate terraform fmt -recursive ./examples/
//go:generate tfplugindocs generate --provider-name rediscloud

// version is set at build time through -ldflags "-X main.version=...".
var version = "dev"

// profileDirEnv names a folder in which each provider process writes its CPU
// profile (cpu-<pid>.pprof) and, as it exits, its heap profile
// (heap-<pid>.pprof). For measuring only (`make bench` has -pprof); unset,
// nothing is profiled.
const profileDirEnv = "REDISCLOUD_PPROF_DIR"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	if err := run(debug); err != nil {
		log.Fatal(err.Error())
	}
}

func run(debug bool) error {
	quietUnlessAsked()
	if dir := os.Getenv(profileDirEnv); dir != "" {
		stop, err := profile(dir)
		if err != nil {
			return err
		}
		defer stop()
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(provider.Address, func() tfprotov6.ProviderServer { return provider.Server(provider.New(version)()) }, opts...)
}

// quietUnlessAsked turns the SDK's and the provider's logs off when no log
// is asked for: no TF_LOG variable is set (TF_LOG, TF_LOG_PROVIDER,
// TF_LOG_SDK_FRAMEWORK, TF_LOG_PROVIDER_REDISCLOUD_API ...; Terraform passes
// its environment on to the provider's process), TF_LOG_PATH aside.
// Unset, they default to TRACE: every request of every resource is
// formatted as JSON and sent to Terraform, which drops it. In a refresh of
// many peerings that is a third of the provider's CPU time.
func quietUnlessAsked() {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") && name != "TF_LOG_PATH" && value != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_REDISCLOUD"} {
		_ = os.Setenv(name, "off")
	}
}

// profile starts the CPU profile in dir; stop ends it and writes the heap
// profile.
func profile(dir string) (stop func(), err error) {
	name := func(kind string) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", kind, os.Getpid())) }
	cpu, err := os.Create(name("cpu"))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		_ = cpu.Close()
		runtime.GC()
		if heap, err := os.Create(name("heap")); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(heap, 0)
			_ = heap.Close()
		}
	}, nil
}
