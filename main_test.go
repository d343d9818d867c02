package main

import (
	"os"
	"strings"
	"testing"
)

// Logs are turned off only when nothing asks for them, and never when
// something does.
func TestQuietUnlessAsked(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "TF_LOG") {
			t.Setenv(name, "")
		}
	}
	settings := []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_REDISCLOUD", "TF_LOG_PROVIDER_REDISCLOUD_API", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK"}
	for _, asked := range append([]string{""}, settings...) {
		for _, name := range settings {
			t.Setenv(name, "")
		}
		t.Setenv("TF_LOG_PATH", "/tmp/terraform.log") // where, not whether
		if asked != "" {
			t.Setenv(asked, "DEBUG")
		}
		quietUnlessAsked()
		sdk, provider := os.Getenv("TF_LOG_SDK"), os.Getenv("TF_LOG_PROVIDER_REDISCLOUD")
		switch {
		case asked == "" && (sdk != "off" || provider != "off"):
			t.Errorf("nothing asked: TF_LOG_SDK=%q, TF_LOG_PROVIDER_REDISCLOUD=%q; want both off", sdk, provider)
		case asked != "" && (sdk == "off" || provider == "off"):
			t.Errorf("%s asked for logs, yet TF_LOG_SDK=%q, TF_LOG_PROVIDER_REDISCLOUD=%q", asked, sdk, provider)
		}
	}
}
