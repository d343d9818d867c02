package main

import (
	"os"
	"testing"
)

// Logs are turned off only when nothing asks for them, and never when
// something does.
func TestQuietUnlessAsked(t *testing.T) {
	for _, asked := range append([]string{""}, logSettings...) {
		for _, name := range logSettings {
			t.Setenv(name, "")
		}
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
