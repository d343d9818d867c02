package rediscloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// echoServer answers every call with texts that carry both keys, as a
// gateway or server that echoes request headers would: none of them may
// reach an error or a result.
func echoServer(t *testing.T, task func(keys string) string) *Client {
	t.Helper()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys := r.Header.Get("x-api-key") + " " + r.Header.Get("x-api-secret-key")
		switch {
		case r.URL.Path == "/v1/subscriptions/1" && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, `{"id":1,"status":"active","name":"`+keys+`"}`)
		case r.URL.Path == "/v1/subscriptions" && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, `{"accountId":1,"subscriptions":[{"id":"`+keys+`","status":"active"}]}`)
		case r.URL.Path == "/v1/subscriptions/2":
			writeJSON(w, http.StatusOK, `{"id":2,"status":"`+keys+`"}`)
		case strings.HasPrefix(r.URL.Path, "/v1/tasks/"):
			writeJSON(w, http.StatusOK, task(keys))
		default:
			writeJSON(w, http.StatusAccepted, `{"taskId":"t1","status":"received"}`)
		}
	}))
	return newTestClient(t, srv, nil)
}

// Texts a server echoes the keys into reach the client's callers as they
// were sent: decisions read them so. What is shown or stored goes through
// Redact and Shown, which hide the keys.
func TestEchoedKeysAreKeptForDecisionsAndHiddenWhenShown(t *testing.T) {
	hidden := func(t *testing.T, c *Client, what, raw string) {
		t.Helper()
		if !strings.Contains(raw, testAPIKey) {
			t.Errorf("%s is not the text as received: %s", what, raw)
		}
		shown := c.Redact(raw)
		if strings.Contains(shown, testAPIKey) || strings.Contains(shown, testSecretKey) || !strings.Contains(shown, "(redacted)") {
			t.Errorf("%s shown as %s", what, shown)
		}
	}
	ctx := context.Background()
	t.Run("task error description", func(t *testing.T) {
		c := echoServer(t, func(keys string) string {
			return `{"taskId":"t1","status":"processing-error","response":{"error":{"type":"GENERAL_ERROR","status":"500 ` + keys + `","description":"bad request: ` + keys + `"}}}`
		})
		_, err := c.CreatePeering(ctx, Pro, 1, lateCreate, CreateOptions{})
		var te *TaskError
		if !errors.As(err, &te) || te.Type != "GENERAL_ERROR" {
			t.Fatalf("error %v, want a GENERAL_ERROR task error", err)
		}
		hidden(t, c, "the description", te.Description)
		hidden(t, c, "the error", err.Error())
	})
	t.Run("unknown task status", func(t *testing.T) {
		c := echoServer(t, func(keys string) string {
			return `{"taskId":"t1","status":"` + keys + `","response":{}}`
		})
		err := c.DeletePeering(ctx, Pro, 1, 5)
		if err == nil {
			t.Fatal("no error")
		}
		hidden(t, c, "the error", err.Error())
	})
	t.Run("listed peering", func(t *testing.T) {
		c := echoServer(t, func(keys string) string {
			return `{"taskId":"t1","status":"processing-completed","response":{"resourceId":1,"resource":{"peerings":[{"vpcPeeringId":5,"status":"` + keys + `","vpcUid":"vpc-1","awsPeeringUid":"` + keys + `"}]}}}`
		})
		p, err := c.GetPeering(ctx, Pro, 1, 5, "")
		if err != nil {
			t.Fatal(err)
		}
		hidden(t, c, "the status", p.Status)
		hidden(t, c, "the pcx ID", p.AWSPeeringID)
		if shown := c.Shown(p); shown.Status != c.Redact(p.Status) || shown.AWSPeeringID != c.Redact(p.AWSPeeringID) {
			t.Errorf("Shown gave %+v", shown)
		}
	})
	t.Run("subscription status", func(t *testing.T) {
		c := echoServer(t, func(string) string { return `{}` })
		_, err := c.waitForSubscriptionActive(ctx, 2)
		var se *SubscriptionStateError
		if !errors.As(err, &se) {
			t.Fatalf("error %v, want a SubscriptionStateError", err)
		}
		hidden(t, c, "the status", se.Status)
	})
}

// A value the decoder rejects is quoted in its error: an echoed key there
// is hidden like anywhere else.
func TestDecodeErrorsHideEchoedKeys(t *testing.T) {
	ctx := context.Background()
	for name, call := range map[string]func(c *Client) error{
		"subscription list": func(c *Client) error { _, err := c.ListSubscriptions(ctx); return err },
		"peering list":      func(c *Client) error { _, err := c.ListPeerings(ctx, Pro, 1); return err },
	} {
		t.Run(name, func(t *testing.T) {
			c := echoServer(t, func(keys string) string {
				return `{"taskId":"t1","status":"processing-completed","response":{"resourceId":1,"resource":{"peerings":[{"vpcPeeringId":"` + keys + `","status":"active"}]}}}`
			})
			err := call(c)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v, want a DecodeError", err)
			}
			if msg := err.Error(); strings.Contains(msg, testAPIKey) || strings.Contains(msg, testSecretKey) || !strings.Contains(msg, "(redacted)") {
				t.Errorf("error shown as %s", msg)
			}
		})
	}
}

// Shown hides the keys in every text field of a peering, those added later
// included, and leaves the peering it was given as received.
func TestShownCoversEveryTextField(t *testing.T) {
	c, err := New(testConfig("https://api.example.com/v1"))
	if err != nil {
		t.Fatal(err)
	}
	var p Peering
	v := reflect.ValueOf(&p).Elem()
	texts := 0
	for i := range v.NumField() {
		switch f := v.Field(i); {
		case f.Kind() == reflect.String:
			f.SetString("a " + testSecretKey + " b")
			texts++
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(reflect.ValueOf([]string{testAPIKey + "/24"}))
			texts++
		}
	}
	if texts < 10 {
		t.Fatalf("only %d text fields found in Peering", texts)
	}
	shown := reflect.ValueOf(c.Shown(&p)).Elem()
	for i := range shown.NumField() {
		if text := fmt.Sprint(shown.Field(i).Interface()); strings.Contains(text, testSecretKey) || strings.Contains(text, testAPIKey) {
			t.Errorf("Shown left a key in %s: %s", shown.Type().Field(i).Name, text)
		}
	}
	if !strings.Contains(p.Status, testSecretKey) || !strings.Contains(p.CIDRs[0], testAPIKey) {
		t.Errorf("Shown changed the peering it was given: %+v", p)
	}
}

// A key too short to be a real one occurs in ordinary words: hiding it
// would rewrite them in state and messages, so it is not looked for.
func TestShortKeysAreNotLookedFor(t *testing.T) {
	cfg := testConfig("https://api.example.com/v1")
	cfg.APIKey, cfg.SecretKey = "s", "us-east"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &Peering{Status: "processing-completed", Region: "us-east-1"}
	if got := c.Shown(p); !reflect.DeepEqual(got, p) {
		t.Errorf("Shown rewrote %+v as %+v", *p, *got)
	}
	if got := c.Redact("us-east-1 is processing"); got != "us-east-1 is processing" {
		t.Errorf("Redact gave %q", got)
	}
}
