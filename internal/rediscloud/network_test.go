package rediscloud

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// A Pro subscription with two regions' networking, one of them with two
// entries, one entry that is not a CIDR and one without a CIDR.
const networkingSubscription = `{"id": 7, "name": "n", "status": "active", "deploymentType": "single-region",
 "cloudDetails": [{"provider": "AWS", "regions": [
   {"region": "eu-west-1", "networking": [{"deploymentCIDR": "10.0.0.0/24", "vpcId": "vpc-1"}, {"deploymentCIDR": "10.0.1.0/24"}]},
   {"region": "eu-west-2", "networking": [{"deploymentCIDR": "not a cidr x-api-key"}, {"subnetId": "subnet-1"}, {"deploymentCidr": "10.0.2.0/24"}, {"deploymentCIDR": "10.0.0.0/24"}]}
 ]}]}`

const networkingRegions = `{"subscriptionId": 8, "regions": [
  {"regionId": 1, "region": "us-east-1", "deploymentCidr": "10.10.0.0/24"},
  {"regionId": 2, "region": "eu-west-1", "deploymentCIDR": "10.11.0.0/24"},
  {"regionId": 3, "region": "ap-south-1"}]}`

func TestRedisCIDRs(t *testing.T) {
	var subReads, regionReads atomic.Int32
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/subscriptions/7":
			subReads.Add(1)
			writeJSON(w, http.StatusOK, networkingSubscription)
		case "/v1/subscriptions/8/regions":
			regionReads.Add(1)
			writeJSON(w, http.StatusOK, networkingRegions)
		default:
			writeJSON(w, http.StatusNotFound, refSpringError25)
		}
	}))
	c := newTestClient(t, srv, nil)
	ctx := context.Background()

	cases := []struct {
		name    string
		kind    Kind
		sub     int
		region  string
		want    []string
		wantErr string
	}{
		{name: "Pro: every networking entry of every region, once each, CIDRs only", kind: Pro, sub: 7,
			want: []string{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"}},
		{name: "Pro: the region is not used", kind: Pro, sub: 7, region: "us-east-1",
			want: []string{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"}},
		{name: "Active-Active: the source region", kind: ActiveActive, sub: 8, region: "us-east-1", want: []string{"10.10.0.0/24"}},
		{name: "Active-Active: deploymentCIDR spelling, region in another case", kind: ActiveActive, sub: 8, region: "EU-WEST-1", want: []string{"10.11.0.0/24"}},
		{name: "Active-Active: a region without a CIDR", kind: ActiveActive, sub: 8, region: "ap-south-1",
			wantErr: `Redis Cloud publishes no deployment CIDR for region "ap-south-1" of subscription 8`},
		{name: "Active-Active: a region the subscription lacks", kind: ActiveActive, sub: 8, region: "sa-east-1",
			wantErr: `subscription 8 has no region "sa-east-1" among its regions (us-east-1, eu-west-1, ap-south-1)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.RedisCIDRs(ctx, tc.kind, tc.sub, tc.region)
			if tc.wantErr != "" {
				var ne *noRedisCIDRsError
				if !errors.As(err, &ne) || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("RedisCIDRs = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if n, m := subReads.Load(), regionReads.Load(); n != 1 || m != 1 {
		t.Errorf("%d subscription reads and %d region reads for every question; want one of each", n, m)
	}
}

// Concurrent callers share one read; a subscription read for another reason
// (a plan's check of the subscription) serves it, and serves a create's
// check that it is active; a failed read is not remembered.
func TestRedisCIDRsShared(t *testing.T) {
	var reads atomic.Int32
	var fail atomic.Bool
	fail.Store(true)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/subscriptions/7", "/v1/subscriptions/9":
			reads.Add(1)
			if fail.Load() && r.URL.Path == "/v1/subscriptions/9" {
				writeJSON(w, http.StatusForbidden, `{"timestamp":"2026-01-01T00:00:00.000+00:00","status":403,"error":"Forbidden","path":"/v1/subscriptions/9"}`)
				return
			}
			writeJSON(w, http.StatusOK, strings.Replace(networkingSubscription, `"id": 7`, `"id": `+strings.TrimPrefix(r.URL.Path, "/v1/subscriptions/"), 1))
		default:
			writeJSON(w, http.StatusNotFound, refSpringError25)
		}
	}))
	c := newTestClient(t, srv, nil)
	ctx := context.Background()

	if _, err := c.GetSubscription(ctx, 7); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := c.RedisCIDRs(ctx, Pro, 7, ""); err != nil || len(got) != 3 {
				t.Errorf("RedisCIDRs = %v, %v", got, err)
			}
		}()
	}
	wg.Wait()
	// A create's check that the subscription is active uses that read too.
	if s, err := c.ActiveSubscription(ctx, 7); err != nil || s.Status != subscriptionActive {
		t.Fatalf("activeSubscription = %+v, %v", s, err)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads of subscription 7, want the one GetSubscription made", n)
	}

	if _, err := c.RedisCIDRs(ctx, Pro, 9, ""); err == nil {
		t.Fatal("a 403 gave no error")
	}
	fail.Store(false)
	if got, err := c.RedisCIDRs(ctx, Pro, 9, ""); err != nil || len(got) != 3 {
		t.Fatalf("after the failure: %v, %v", got, err)
	}
	if n := reads.Load(); n != 3 {
		t.Errorf("%d reads, want 3: the failed read of subscription 9 is tried again once", n)
	}
}

// A subscription's layout is read once for the client's life, whatever its
// status, by any number of concurrent callers; GetSubscription serves it.
func TestSubscriptionLayoutReadOnce(t *testing.T) {
	var reads atomic.Int32
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads.Add(1)
		writeJSON(w, http.StatusOK, strings.Replace(networkingSubscription, `"status": "active"`, `"status": "pending"`, 1))
	}))
	c := newTestClient(t, srv, nil)
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.SubscriptionLayout(context.Background(), 7)
			if err != nil || s.DeploymentType != deploymentSingleRegion || len(s.Regions) != 2 {
				t.Errorf("SubscriptionLayout = %+v, %v", s, err)
			}
		}()
	}
	wg.Wait()
	if _, err := c.RedisCIDRs(context.Background(), Pro, 7, ""); err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads, want 1", n)
	}
}
