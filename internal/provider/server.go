package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Server serves p over protocol 6, as providerserver.NewProtocol6 does, but
// lets go of each call's context when the call returns.
//
// The framework keeps the cancel function of every call's context until the
// provider stops, and with it the context and the loggers it carries: about
// 14 KB a call, some 55 MB of live heap after a refresh of 1,000 peerings,
// which every garbage collection scans again. Here the framework gets a
// context that delegates to the call's, and that becomes an ended context,
// holding nothing, as the call returns. The calls made once per instance are
// wrapped; ListResource is not, since its results are read after it returns.
func Server(p provider.Provider) tfprotov6.ProviderServer {
	return releasing{providerserver.NewProtocol6(p)().(server)}
}

// server is what the framework serves: tf6server asks for list resources
// apart.
type server interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

type releasing struct{ server }

// call runs f with a context that stops referring to ctx when f returns.
func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	c := &callContext{}
	c.ctx.Store(&ctx)
	defer c.ctx.Store(&ended)
	return f(c, req)
}

// ended is the context a call's context becomes: cancelled, without values.
var ended = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

type callContext struct {
	ctx atomic.Pointer[context.Context]
}

func (c *callContext) Deadline() (time.Time, bool) { return (*c.ctx.Load()).Deadline() }
func (c *callContext) Done() <-chan struct{}       { return (*c.ctx.Load()).Done() }
func (c *callContext) Err() error                  { return (*c.ctx.Load()).Err() }
func (c *callContext) Value(key any) any           { return (*c.ctx.Load()).Value(key) }

func (s releasing) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.server.ValidateResourceConfig)
}

func (s releasing) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.server.UpgradeResourceState)
}

func (s releasing) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.server.ReadResource)
}

func (s releasing) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.server.PlanResourceChange)
}

func (s releasing) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.server.ApplyResourceChange)
}

func (s releasing) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.server.ImportResourceState)
}

func (s releasing) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.server.ValidateDataResourceConfig)
}

func (s releasing) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.server.ReadDataSource)
}
