package rediscloud

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestSubscriptionReads(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/subscriptions/1":
			writeJSON(w, http.StatusOK, refSubscription)
		case "/v1/subscriptions/1986/regions":
			writeJSON(w, http.StatusOK, refRegions)
		case "/v1/subscriptions":
			writeJSON(w, http.StatusOK, `{"accountId":40,"subscriptions":[`+refSubscription+`]}`)
		default:
			writeJSON(w, http.StatusNotFound, refSpringError25)
		}
	}))
	c := newTestClient(t, srv, nil)
	ctx := context.Background()
	sub, err := c.GetSubscription(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := &Subscription{ID: 1, Status: "active", Providers: []string{"AWS"},
		Regions: []SubscriptionRegion{{Region: "eu-west-1", DeploymentCIDRs: []string{"10.0.0.0/24"}}}}
	if !reflect.DeepEqual(sub, want) {
		t.Errorf("subscription %+v", sub)
	}
	if sub.IsActiveActive() {
		t.Error("single-region taken for Active-Active")
	}
	regions, err := c.listRegions(ctx, 1986)
	if err != nil {
		t.Fatal(err)
	}
	if want := []SubscriptionRegion{{Region: "us-east-1", DeploymentCIDRs: []string{"192.169.0.0/24"}}}; !reflect.DeepEqual(regions, want) {
		t.Errorf("regions %+v", regions)
	}
	_, err = c.waitForSubscriptionActive(ctx, 2)
	var se *SubscriptionNotFoundError
	if !IsNotFound(err) || !errors.As(err, &se) || se.ID != 2 {
		t.Errorf("unknown subscription: %v", err)
	}
	subs, err := c.ListSubscriptions(ctx)
	if err != nil || len(subs) != 1 || subs[0].ID != 1 || subs[0].Status != "active" {
		t.Errorf("ListSubscriptions = %+v, %v", subs, err)
	}
}

// The account's subscription list decides whether a subscription that
// answered 404 is gone, so only its documented form counts: a missing,
// renamed or null key, a bare array, or an element without an id proves
// nothing, and the 404 stays unexplained.
func TestSubscriptionListShapes(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"bare array", `[]`, `the answer to GET /v1/subscriptions lacks the documented subscriptions array: the answer is an array`},
		{"empty object", `{}`, `lacks the documented subscriptions array: the answer is an empty object`},
		{"key renamed", `{"accountId":1,"items":[]}`, `the answer has only the keys "accountId", "items"`},
		{"null list", `{"subscriptions":null}`, `lacks the documented subscriptions array: subscriptions is null`},
		{"element without id", `{"subscriptions":[{"name":"x"}]}`, `lacks the documented subscriptions[0].id: an element without a positive id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v1/subscriptions" {
					writeJSON(w, http.StatusOK, tc.body)
					return
				}
				writeJSON(w, http.StatusNotFound, refSpringError25)
			}))
			c := newTestClient(t, srv, nil)
			_, err := c.ListSubscriptions(context.Background())
			if !isListShape(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ListSubscriptions: %v, want a ListShapeError with %q", err, tc.want)
			}
			_, err = c.GetSubscription(context.Background(), 1001)
			if IsNotFound(err) {
				t.Errorf("a 404 explained by a list of unknown form: %v", err)
			}
		})
	}
}
