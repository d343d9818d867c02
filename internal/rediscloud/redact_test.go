package rediscloud

import (
	"context"
	"net/http"
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

func TestServerTextsAreRedacted(t *testing.T) {
	noKeys := func(t *testing.T, what, text string) {
		t.Helper()
		if strings.Contains(text, testAPIKey) || strings.Contains(text, testSecretKey) {
			t.Errorf("%s carries a key: %s", what, text)
		}
		if !strings.Contains(text, "(redacted)") {
			t.Errorf("%s does not show where the echo was: %s", what, text)
		}
	}
	ctx := context.Background()
	t.Run("task error description", func(t *testing.T) {
		c := echoServer(t, func(keys string) string {
			return `{"taskId":"t1","status":"processing-error","response":{"error":{"type":"GENERAL_ERROR","status":"500 ` + keys + `","description":"bad request: ` + keys + `"}}}`
		})
		_, err := c.CreatePeering(ctx, Pro, 1, lateCreate, CreateOptions{})
		if err == nil {
			t.Fatal("no error")
		}
		noKeys(t, "the error", err.Error())
	})
	t.Run("unknown task status", func(t *testing.T) {
		c := echoServer(t, func(keys string) string {
			return `{"taskId":"t1","status":"` + keys + `","response":{}}`
		})
		err := c.DeletePeering(ctx, Pro, 1, 5)
		if err == nil {
			t.Fatal("no error")
		}
		noKeys(t, "the error", err.Error())
	})
	t.Run("resource ID that does not parse", func(t *testing.T) {
		c := echoServer(t, func(keys string) string {
			return `{"taskId":"t1","status":"processing-completed","response":{"resourceId":"` + keys + `"}}`
		})
		_, err := c.waitForTask(ctx, "t1", "create")
		if err == nil {
			t.Fatal("no error")
		}
		noKeys(t, "the error", err.Error())
	})
	t.Run("listed peering", func(t *testing.T) {
		c := echoServer(t, func(keys string) string {
			return `{"taskId":"t1","status":"processing-completed","response":{"resourceId":1,"resource":{"peerings":[{"vpcPeeringId":5,"status":"` + keys + `","vpcUid":"vpc-1","awsPeeringUid":"` + keys + `"}]}}}`
		})
		p, err := c.GetPeering(ctx, Pro, 1, 5)
		if err != nil {
			t.Fatal(err)
		}
		noKeys(t, "the status", p.Status)
		noKeys(t, "the pcx ID", p.AWSPeeringID)
	})
	t.Run("subscription status", func(t *testing.T) {
		c := echoServer(t, func(string) string { return `{}` })
		_, err := c.WaitForSubscriptionActive(ctx, 2)
		if err == nil {
			t.Fatal("no error")
		}
		noKeys(t, "the error", err.Error())
	})
}
