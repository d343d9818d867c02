package rediscloud

import (
	"testing"
)

func TestMatches(t *testing.T) {
	aws := CreatePeeringRequest{AWSAccountID: "1", VPCID: "vpc-1"}
	gcp := CreatePeeringRequest{Provider: "gcp", GCPProjectID: "p", GCPNetworkName: "n"}
	aa := CreatePeeringRequest{SourceRegion: "us-east-1", AWSAccountID: "1", VPCID: "vpc-1"}
	cases := []struct {
		name string
		r    CreatePeeringRequest
		p    Peering
		want bool
	}{
		{"same AWS VPC", aws, Peering{Provider: ProviderAWS, AWSAccountID: "1", VPCID: "vpc-1"}, true},
		{"account not listed", aws, Peering{Provider: ProviderAWS, VPCID: "vpc-1"}, true},
		{"other account", aws, Peering{Provider: ProviderAWS, AWSAccountID: "2", VPCID: "vpc-1"}, false},
		{"other VPC", aws, Peering{Provider: ProviderAWS, AWSAccountID: "1", VPCID: "vpc-2"}, false},
		{"GCP peering for an AWS request", aws, Peering{Provider: ProviderGCP, VPCID: "vpc-1"}, false},
		{"same GCP network", gcp, Peering{Provider: ProviderGCP, GCPProjectID: "p", GCPNetworkName: "n"}, true},
		{"other GCP network", gcp, Peering{Provider: ProviderGCP, GCPProjectID: "p", GCPNetworkName: "m"}, false},
		{"AA same source region", aa, Peering{Provider: ProviderAWS, SourceRegion: "US-EAST-1", VPCID: "vpc-1"}, true},
		{"AA other source region", aa, Peering{Provider: ProviderAWS, SourceRegion: "eu-west-1", VPCID: "vpc-1"}, false},
	}
	for _, tc := range cases {
		if got := tc.r.describes(&tc.p); got != tc.want {
			t.Errorf("%s: Matches = %v", tc.name, got)
		}
	}
}
