package cloudsim

import (
	"strings"
	"testing"
	"time"
)

// TestTaskErrors covers every error a peering task can end with: each call
// is accepted (2xx) and its task ends in processing-error.
func TestTaskErrors(t *testing.T) {
	const (
		pro   = "/v1/subscriptions/1001/peerings"
		proG  = "/v1/subscriptions/1002/peerings"
		aa    = "/v1/subscriptions/2001/regions/peerings"
		aaG   = "/v1/subscriptions/2002/regions/peerings"
		onAA  = "/v1/subscriptions/2001/peerings"
		onPro = "/v1/subscriptions/1001/regions/peerings"
	)
	aws := func(fields string) string {
		return `{"region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-1"` + fields + `}`
	}
	aaAWS := func(fields string) string {
		return `{"sourceRegion":"us-east-1","destinationRegion":"us-west-2","awsAccountId":"123456789012","vpcId":"vpc-1"` + fields + `}`
	}
	tests := []struct {
		name       string
		setup      func(h *harness)
		method     string
		path       string
		body       string
		typ        string
		status     string
		descAbsent string // text the description must not contain
	}{
		// Subscription state, for every operation.
		{"not active create", pending(1001), "POST", pro, aws(`,"vpcCidr":"192.168.0.0/24"`), "SUBSCRIPTION_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"not active list", pending(1001), "GET", pro, "", "SUBSCRIPTION_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"not active update", pending(1001), "PUT", pro + "/500", `{"vpcCidr":"192.168.0.0/24"}`, "SUBSCRIPTION_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"not active delete", pending(1001), "DELETE", pro + "/500", "", "SUBSCRIPTION_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"not active aa list", pending(2001), "GET", aa, "", "SUBSCRIPTION_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"not active aa create", pending(2002), "POST", aaG, aaGCPBody, "SUBSCRIPTION_NOT_ACTIVE", "403 FORBIDDEN", ""},

		// Cross-type guards.
		{"pro create on aa", nil, "POST", onAA, aws(`,"vpcCidr":"192.168.0.0/24"`), "CREATING_A_SINGLE_REGION_VPC_PEERING_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION", "400 BAD_REQUEST", ""},
		{"pro list on aa", nil, "GET", onAA, "", "GETTING_SINGLE_REGION_VPC_PEERINGS_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION", "400 BAD_REQUEST", ""},
		{"pro update on aa", nil, "PUT", onAA + "/500", `{"vpcCidr":"192.168.0.0/24"}`, "UPDATING_A_SINGLE_REGION_VPC_PEERING_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION", "400 BAD_REQUEST", ""},
		{"pro delete on aa", nil, "DELETE", onAA + "/500", "", "DELETING_SINGLE_REGION_VPC_PEERING_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION", "400 BAD_REQUEST", ""},
		{"aa create on pro", nil, "POST", onPro, aaAWS(`,"vpcCidr":"192.168.0.0/24"`), "CREATING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION", "400 BAD_REQUEST", ""},
		{"aa list on pro", nil, "GET", onPro + "/", "", "GETTING_ACTIVE_ACTIVE_SUBSCRIPTION_VPC_PEERINGS_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION", "400 BAD_REQUEST", ""},
		{"aa update on pro", nil, "PUT", onPro + "/500", `{"vpcCidr":"192.168.0.0/24"}`, "UPDATING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION", "400 BAD_REQUEST", ""},
		{"aa delete on pro", nil, "DELETE", onPro + "/500", "", "DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION", "400 BAD_REQUEST", ""},

		// Body validation.
		{"malformed JSON", nil, "POST", pro, `{"region":`, "BAD_REQUEST", "400 BAD_REQUEST", ""},
		{"wrong JSON type", nil, "POST", pro, `{"vpcCidrs":"10.9.0.0/16"}`, "BAD_REQUEST", "400 BAD_REQUEST", ""},
		{"unknown provider", nil, "POST", pro, `{"provider":"azure","region":"eastus"}`, "VPC_PEERING_IS_NOT_KNOWN_CLOUD_PROVIDER", "400 BAD_REQUEST", ""},
		{"gcp on aws subscription", nil, "POST", pro, gcpBody, "VPC_PEERING_BELONGS_TO_DIFFERENT_CLOUD_PROVIDER", "400 BAD_REQUEST", ""},
		{"aws on gcp subscription", nil, "POST", proG, aws(`,"vpcCidr":"192.168.0.0/24"`), "VPC_PEERING_BELONGS_TO_DIFFERENT_CLOUD_PROVIDER", "400 BAD_REQUEST", ""},
		{"aa aws on gcp subscription", nil, "POST", aaG, `{"sourceRegion":"us-central1","destinationRegion":"us-east-1","awsAccountId":"123456789012","vpcId":"v","vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_BELONGS_TO_DIFFERENT_CLOUD_PROVIDER", "400 BAD_REQUEST", ""},
		{"missing region", nil, "POST", pro, `{"awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_INVALID_REGION", "400 BAD_REQUEST", ""},
		{"bad region", nil, "POST", pro, `{"region":"mars-1","awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_INVALID_REGION", "400 BAD_REQUEST", ""},
		{"aa missing destination region", nil, "POST", aa, `{"sourceRegion":"us-east-1","region":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_INVALID_REGION", "400 BAD_REQUEST", ""},
		{"missing account", nil, "POST", pro, `{"region":"us-east-1","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_INVALID_ACCOUNT", "400 BAD_REQUEST", ""},
		{"bad account", nil, "POST", pro, `{"region":"us-east-1","awsAccountId":"12ab","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_INVALID_ACCOUNT", "400 BAD_REQUEST", ""},
		{"aa bad account", nil, "POST", aa, `{"sourceRegion":"us-east-1","destinationRegion":"us-east-1","awsAccountId":"1","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`, "ACTIVE_ACTIVE_VPC_PEERING_INVALID_AWS_ACCOUNT", "400 BAD_REQUEST", ""},
		{"missing vpc", nil, "POST", pro, `{"region":"us-east-1","awsAccountId":"123456789012","vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_INVALID_VPC", "400 BAD_REQUEST", ""},
		{"missing cidr", nil, "POST", pro, aws(``), "VPC_PEERING_CIDR_IS_MISSING", "400 BAD_REQUEST", ""},
		{"empty cidr list", nil, "POST", pro, aws(`,"vpcCidrs":[]`), "VPC_PEERING_CIDR_IS_MISSING", "400 BAD_REQUEST", ""},
		{"aa missing cidr", nil, "POST", aa, aaAWS(``), "VPC_PEERING_CIDR_IS_MISSING", "400 BAD_REQUEST", ""},
		{"invalid cidr", nil, "POST", pro, aws(`,"vpcCidr":"banana"`), "VPC_PEERING_INVALID_CIDR", "400 BAD_REQUEST", ""},
		{"invalid prefix length", nil, "POST", pro, aws(`,"vpcCidrs":["192.168.0.0/24","10.9.0.0/33"]`), "VPC_PEERING_INVALID_CIDR", "400 BAD_REQUEST", ""},
		{"ipv6 cidr", nil, "POST", pro, aws(`,"vpcCidr":"fd00::/64"`), "VPC_PEERING_INVALID_CIDR", "400 BAD_REQUEST", ""},
		{"too many cidrs", nil, "POST", pro, aws(`,"vpcCidrs":["192.168.1.0/24","192.168.2.0/24","192.168.3.0/24","192.168.4.0/24","192.168.5.0/24","192.168.6.0/24"]`), "VPC_PEERING_TOO_MANY_CIDR_SPECIFICATIONS", "400 BAD_REQUEST", ""},
		{"overlap deployment cidr", nil, "POST", pro, aws(`,"vpcCidr":"10.0.0.0/16"`), "VPC_PEERING_CIDR_OVERLAP", "400 BAD_REQUEST", ""},
		{"overlap inside deployment cidr", nil, "POST", pro, aws(`,"vpcCidrs":["192.168.0.0/24","10.0.0.128/25"]`), "VPC_PEERING_CIDR_OVERLAP", "400 BAD_REQUEST", ""},
		{"aa overlap of the source region", nil, "POST", aa, `{"sourceRegion":"eu-west-1","destinationRegion":"eu-west-1","awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidr":"10.11.0.0/16"}`, "VPC_PEERING_CIDR_OVERLAP", "400 BAD_REQUEST", ""},
		{"gcp missing network", nil, "POST", proG, `{"provider":"gcp","vpcProjectUid":"p"}`, "VPC_PEERING_INVALID_PROJECT", "400 BAD_REQUEST", ""},
		{"gcp missing project", nil, "POST", aaG, `{"provider":"gcp","sourceRegion":"us-central1","vpcNetworkName":"n"}`, "VPC_PEERING_INVALID_PROJECT", "400 BAD_REQUEST", ""},
		{"aa missing source region", nil, "POST", aa, `{"destinationRegion":"us-east-1","awsAccountId":"123456789012","vpcId":"vpc-1","vpcCidr":"192.168.0.0/24"}`, "ACTIVE_ACTIVE_VPC_PEERING_INVALID_SOURCE_REGION_NAME", "400 BAD_REQUEST", ""},
		{"aa unknown source region", nil, "POST", aaG, `{"provider":"gcp","sourceRegion":"asia-east1","vpcProjectUid":"p","vpcNetworkName":"n"}`, "ACTIVE_ACTIVE_VPC_PEERING_INVALID_SOURCE_REGION_NAME", "400 BAD_REQUEST", ""},

		// Duplicates: the description must not give the existing ID away.
		{"aws duplicate", create(pro, aws(`,"vpcCidr":"192.168.0.0/24"`)), "POST", pro, aws(`,"vpcCidr":"192.168.99.0/24"`), "VPC_PEERING_ALREADY_EXIST", "409 CONFLICT", "500"},
		{"gcp duplicate", create(proG, gcpBody), "POST", proG, gcpBody, "VPC_PEERING_ALREADY_EXIST", "409 CONFLICT", "500"},
		{"aa aws duplicate in one region", create(aa, aaAWS(`,"vpcCidr":"192.168.0.0/24"`)), "POST", aa, aaAWS(`,"vpcCidr":"192.168.0.0/24"`), "VPC_PEERING_ALREADY_EXIST", "409 CONFLICT", "500"},
		{"aa gcp duplicate in one region", create(aaG, aaGCPBody), "POST", aaG, aaGCPBody, "VPC_PEERING_ALREADY_EXIST", "409 CONFLICT", "500"},

		// Unknown peerings.
		{"update unknown", nil, "PUT", pro + "/777", `{"vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_NOT_FOUND", "404 NOT_FOUND", ""},
		{"delete unknown", nil, "DELETE", pro + "/777", "", "VPC_PEERING_NOT_FOUND", "404 NOT_FOUND", ""},
		{"aa update unknown", nil, "PUT", aa + "/777", `{"vpcCidr":"192.168.0.0/24"}`, "ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND", "404 NOT_FOUND", ""},
		{"aa delete unknown", create(aa, aaAWS(`,"vpcCidr":"192.168.0.0/24"`)), "DELETE", aa + "/777", "", "ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND", "404 NOT_FOUND", ""},
		// The spec's own refusal when the subscription has no peering at all
		// (reference 5.4).
		{"aa delete on a subscription without peerings", nil, "DELETE", aa + "/777", "",
			"DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_FOR_A_SUBSCRIPTION_WITH_NO_VPC_PEERINGS", "400 BAD_REQUEST", ""},
		{"delete a peering of another subscription", create(proG, gcpBody), "DELETE", "/v1/subscriptions/1001/peerings/500", "", "VPC_PEERING_NOT_FOUND", "404 NOT_FOUND", ""},

		// Update validation.
		{"update invalid cidr", create(pro, aws(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", pro + "/500", `{"vpcCidrs":["nope"]}`, "VPC_PEERING_INVALID_CIDR", "400 BAD_REQUEST", ""},
		{"update overlap", create(pro, aws(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", pro + "/500", `{"vpcCidr":"10.0.0.0/8"}`, "VPC_PEERING_CIDR_OVERLAP", "400 BAD_REQUEST", ""},
		{"update missing cidr", create(pro, aws(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", pro + "/500", `{}`, "VPC_PEERING_CIDR_IS_MISSING", "400 BAD_REQUEST", ""},
		{"update too many", create(pro, aws(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", pro + "/500", `{"vpcCidrs":["192.168.1.0/24","192.168.2.0/24","192.168.3.0/24","192.168.4.0/24","192.168.5.0/24","192.168.6.0/24"]}`, "VPC_PEERING_TOO_MANY_CIDR_SPECIFICATIONS", "400 BAD_REQUEST", ""},
		{"update malformed", create(pro, aws(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", pro + "/500", `[`, "BAD_REQUEST", "400 BAD_REQUEST", ""},
		{"update a gcp peering", create(proG, gcpBody), "PUT", proG + "/500", `{"vpcCidr":"192.168.0.0/24"}`, "VPC_PEERING_BELONGS_TO_DIFFERENT_CLOUD_PROVIDER", "400 BAD_REQUEST", ""},
		{"update while initiating", initiating(pro, aws(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", pro + "/500", `{"vpcCidr":"192.168.1.0/24"}`, "VPC_PEERING_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"aa update while initiating", initiating(aa, aaAWS(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", aa + "/500", `{"vpcCidr":"192.168.1.0/24"}`, "VPC_PEERING_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"update of a forced initiating-request", forced(pro, aws(`,"vpcCidr":"192.168.0.0/24"`), StatusInitiatingRequest), "PUT", pro + "/500", `{"vpcCidr":"192.168.1.0/24"}`, "VPC_PEERING_NOT_ACTIVE", "403 FORBIDDEN", ""},
		{"aa update overlap of its source region", create(aa, aaAWS(`,"vpcCidr":"192.168.0.0/24"`)), "PUT", aa + "/500", `{"vpcCidr":"10.10.0.0/20"}`, "VPC_PEERING_CIDR_OVERLAP", "400 BAD_REQUEST", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Options{})
			if tc.setup != nil {
				tc.setup(h)
			}
			before := h.sim.Peerings()
			task := h.exec(tc.method, tc.path, tc.body)
			if task.Status != taskError || task.Description != descError {
				t.Fatalf("task %s (%s), want processing-error; response %+v", task.Status, task.Description, task.Response)
			}
			e := task.Response.Error
			if e == nil || e.Type != tc.typ || e.Status != tc.status {
				t.Fatalf("error %+v, want %s / %s", e, tc.typ, tc.status)
			}
			if len(e.Description) < 20 {
				t.Errorf("description should be a readable sentence: %q", e.Description)
			}
			if tc.descAbsent != "" && strings.Contains(e.Description, tc.descAbsent) {
				t.Errorf("description %q must not contain %q", e.Description, tc.descAbsent)
			}
			if task.Response.ResourceID != nil || task.Response.Resource != nil {
				t.Errorf("a failed task carries only the error: %+v", task.Response)
			}
			if after := h.sim.Peerings(); len(after) != len(before) {
				t.Errorf("a failed task changed the peerings: %v -> %v", before, after)
			}
		})
	}
}

func pending(sub int) func(h *harness) {
	return func(h *harness) {
		h.createPeeringFor(sub)
		if err := h.sim.SetSubscriptionStatus(sub, "pending"); err != nil {
			h.t.Fatal(err)
		}
	}
}

// createPeeringFor makes peering 500 exist on sub, so update and delete
// failures are not mere not-found ones.
func (h *harness) createPeeringFor(sub int) {
	info := PeeringInfo{SubscriptionID: sub, VPCID: "vpc-x", AWSAccountID: "123456789012", CIDRs: []string{"192.168.0.0/24"},
		GCPProjectID: "p", GCPNetworkName: "n"}
	if _, err := h.sim.AddPeering(info); err != nil {
		h.t.Fatal(err)
	}
}

func create(path, body string) func(h *harness) {
	return func(h *harness) { h.mustComplete("POST", path, body) }
}

// initiating creates peering 500 and keeps it initiating-request.
func initiating(path, body string) func(h *harness) {
	return func(h *harness) {
		h.sim.SetTransitionLatency(time.Hour)
		h.mustComplete("POST", path, body)
	}
}

// forced creates peering 500 and forces its status.
func forced(path, body, status string) func(h *harness) {
	return func(h *harness) {
		h.mustComplete("POST", path, body)
		if err := h.sim.SetPeeringStatus(500, status); err != nil {
			h.t.Fatal(err)
		}
	}
}

func TestErrorStatusMapping(t *testing.T) {
	for typ, want := range map[string]string{
		"VPC_PEERING_INVALID_CIDR":                 "400 BAD_REQUEST",
		"VPC_PEERING_CIDR_IS_MISSING":              "400 BAD_REQUEST",
		"VPC_PEERING_TOO_MANY_CIDR_SPECIFICATIONS": "400 BAD_REQUEST",
		"VPC_PEERING_CIDR_OVERLAP":                 "400 BAD_REQUEST",
		"VPC_PEERING_NOT_FOUND":                    "404 NOT_FOUND",
		"ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND":      "404 NOT_FOUND",
		"SUBSCRIPTION_NOT_FOUND":                   "404 NOT_FOUND",
		"VPC_PEERING_ALREADY_EXIST":                "409 CONFLICT",
		"SUBSCRIPTION_NOT_ACTIVE":                  "403 FORBIDDEN",
		"VPC_PEERING_NOT_ACTIVE":                   "403 FORBIDDEN",
		"VPC_PEERING_CLUSTER_NOT_ACTIVE":           "403 FORBIDDEN",
		"GENERAL_ERROR":                            "500 INTERNAL_SERVER_ERROR",
		"CREATING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION": "400 BAD_REQUEST",
	} {
		if got := errorStatus(typ); got != want {
			t.Errorf("%s: %s, want %s", typ, got, want)
		}
	}
}

func TestDeletedSubscriptionFailsQueuedTask(t *testing.T) {
	h := newHarness(t, Options{TaskLatency: 100 * time.Millisecond})
	task := h.submit("GET", "/v1/subscriptions/1001/peerings", "")
	if err := h.sim.SetSubscriptionStatus(1001, "deleted"); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(100 * time.Millisecond)
	done := h.task(task.TaskID)
	if done.Status != taskError || done.Response.Error.Type != "SUBSCRIPTION_NOT_FOUND" || done.Response.Error.Status != "404 NOT_FOUND" {
		t.Errorf("%+v", done.Response)
	}
	if r := h.request("GET", "/v1/subscriptions/1001", ""); r.code != 404 {
		t.Errorf("deleted subscription: %d", r.code)
	}
}
