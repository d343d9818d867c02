package rediscloud_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
)

// Keys are hidden wherever text is shown, but no decision may read hidden
// text. With keys that occur inside the API's own words (task statuses,
// peering statuses, task IDs, pcx- IDs), a peering's whole life must go as
// with any other keys, and every value must be the one the API sent. Keys
// shorter than minHiddenKey are not looked for; longer ones are hidden in
// what is shown, and must change no decision either.
func TestKeysInProtocolWordsChangeNoDecision(t *testing.T) {
	for _, keys := range [][2]string{
		{"s", "e"}, // processing-completed, pending-acceptance, processing-in-progress
		{"a", "c"}, // active, pcx-…, hexadecimal task IDs
		{"-", "i"}, // every task status and most peering statuses
		// Long enough to be hidden where text is shown: every task status
		// and the status of a peering waiting for its acceptance.
		{"processing", "acceptance"},
	} {
		t.Run(keys[0]+keys[1], func(t *testing.T) {
			srv, err := cloudsim.Start(cloudsim.Options{APIKey: keys[0], SecretKey: keys[1]})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			cfg := rediscloud.DefaultConfig()
			cfg.BaseURL, cfg.APIKey, cfg.SecretKey = srv.URL(), keys[0], keys[1]
			// The instant simulator answers at once: poll as soon.
			cfg.PollFirst, cfg.PollMin, cfg.PollMax, cfg.StatusPollMax = time.Millisecond, time.Millisecond, 10*time.Millisecond, 10*time.Millisecond
			c, err := rediscloud.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()

			for _, tc := range []struct {
				kind rediscloud.Kind
				sub  int
				req  rediscloud.CreatePeeringRequest
			}{
				{rediscloud.Pro, 1001, rediscloud.CreatePeeringRequest{Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f60718", CIDRs: []string{"172.31.0.0/24"}}},
				{rediscloud.ActiveActive, 2001, rediscloud.CreatePeeringRequest{SourceRegion: "us-east-1", Region: "us-east-1", AWSAccountID: "123456789012", VPCID: "vpc-0a1b2c3d4e5f60719", CIDRs: []string{"172.31.1.0/24"}}},
			} {
				start := time.Now()
				res, err := c.CreatePeering(ctx, tc.kind, tc.sub, tc.req, rediscloud.CreateOptions{})
				if err != nil {
					t.Fatalf("%v create: %v", tc.kind, err)
				}
				p, err := c.WaitPeeringSettled(ctx, tc.kind, tc.sub, res, start)
				if err != nil {
					t.Fatalf("%v wait: %v", tc.kind, err)
				}
				want, err := srv.Peering(res.ID)
				if err != nil {
					t.Fatal(err)
				}
				if p.Status != want.Status || p.AWSPeeringID != want.AWSPeeringUID || p.VPCID != want.VPCID ||
					p.AWSAccountID != want.AWSAccountID || !slices.Equal(p.CIDRs, want.CIDRs) {
					t.Errorf("%v: the client read %+v; the API holds %+v", tc.kind, *p, want)
				}
				got, err := c.GetPeering(ctx, tc.kind, tc.sub, res.ID, tc.req.SourceRegion)
				if err != nil || got.Status != want.Status || got.SourceRegion != want.SourceRegion {
					t.Errorf("%v: GetPeering = %+v, %v; the API holds %+v", tc.kind, got, err, want)
				}
				cidrs := []string{"172.31.8.0/24", "172.31.9.0/24"}
				if err := c.UpdatePeeringCIDRs(ctx, tc.kind, tc.sub, res.ID, cidrs); err != nil {
					t.Fatalf("%v update: %v", tc.kind, err)
				}
				if _, err := c.WaitPeeringCIDRs(ctx, tc.kind, tc.sub, res.ID, time.Now(), cidrs); err != nil {
					t.Fatalf("%v update wait: %v", tc.kind, err)
				}
				if err := c.DeletePeering(ctx, tc.kind, tc.sub, res.ID); err != nil {
					t.Fatalf("%v delete: %v", tc.kind, err)
				}
				if _, err := srv.Peering(res.ID); err == nil {
					t.Errorf("%v: peering %d still exists after its delete", tc.kind, res.ID)
				}
			}
		})
	}
}
