package acctest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// RandomKey is a key no log line could contain by chance.
func RandomKey(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// leakForms are the strings whose presence would reveal key: the key, its
// base64 form, and every 16-character piece of it (a truncated or split key
// is a leak too).
func leakForms(key string) []string {
	forms := []string{key, base64.StdEncoding.EncodeToString([]byte(key))}
	const piece = 16
	for i := 0; i+piece <= len(key); i++ {
		forms = append(forms, key[i:i+piece])
	}
	return forms
}

// SecretChecker looks for any form of a set of keys in texts.
type SecretChecker struct {
	t     *testing.T
	names map[string]string // form -> name of the key it reveals
}

// NewSecretChecker reports to t every key of keys (name -> key) that a
// checked text reveals.
func NewSecretChecker(t *testing.T, keys map[string]string) *SecretChecker {
	c := &SecretChecker{t: t, names: map[string]string{}}
	for name, key := range keys {
		for _, f := range leakForms(key) {
			c.names[f] = name
		}
	}
	return c
}

// Check reports every key found in text; where says what text is.
func (c *SecretChecker) Check(where, text string) {
	c.t.Helper()
	seen := map[string]bool{}
	for form, name := range c.names {
		if seen[name] || !strings.Contains(text, form) {
			continue
		}
		seen[name] = true
		i := strings.Index(text, form)
		from, to := max(0, i-200), min(len(text), i+len(form)+200)
		c.t.Errorf("the %s appears in %s:\n…%s…", name, where, text[from:to])
	}
}
