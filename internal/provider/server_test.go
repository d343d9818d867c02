package provider_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/provider"
)

type ballastKey struct{}

// TestServerLetsGoOfCallContexts sends calls whose contexts each carry a
// 64 KiB value through the provider's server. The framework alone keeps
// every call's context until the provider stops (64 MiB here); the server
// must leave none of them reachable once the calls have returned.
func TestServerLetsGoOfCallContexts(t *testing.T) {
	const calls, ballast = 1000, 64 << 10
	srv := provider.Server(provider.New("test")())
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := live()
	for range calls {
		ctx := context.WithValue(context.Background(), ballastKey{}, make([]byte, ballast))
		_, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "rediscloud_subscription_peering"})
		if err != nil {
			t.Fatal(err)
		}
	}
	grown := int64(live()) - int64(before)
	runtime.KeepAlive(srv)
	if grown > calls*ballast/4 {
		t.Errorf("the live heap grew by %d KiB over %d calls: their contexts are still reachable", grown>>10, calls)
	}
}
