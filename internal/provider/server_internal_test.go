package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

type callKey struct{}

// TestCallContext: while the call runs, its context shows the caller's
// values, deadline and cancellation; once it has returned, a context kept
// from it holds none of them and reads as cancelled.
func TestCallContext(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), callKey{}, "value"), deadline)
	seen := make(chan context.Context, 1)
	_, err := call(parent, "request", func(ctx context.Context, req string) (string, error) {
		seen <- ctx
		if got := ctx.Value(callKey{}); got != "value" {
			t.Errorf("during the call, Value = %v, want the caller's", got)
		}
		if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
			t.Errorf("during the call, Deadline = %v, %v; want the caller's", d, ok)
		}
		if ctx.Err() != nil {
			t.Errorf("during the call, Err = %v before the caller cancelled", ctx.Err())
		}
		// A context the framework derives follows the caller's cancellation.
		child, stop := context.WithCancel(ctx)
		defer stop()
		cancel()
		select {
		case <-child.Done():
		case <-time.After(10 * time.Second):
			t.Error("a context derived during the call did not end when the caller cancelled")
		}
		return req, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	kept := <-seen
	if got := kept.Value(callKey{}); got != nil {
		t.Errorf("after the call, Value = %v, want nothing", got)
	}
	if _, ok := kept.Deadline(); ok {
		t.Error("after the call, the context still has the caller's deadline")
	}
	select {
	case <-kept.Done():
	default:
		t.Error("after the call, the context is not done")
	}
	if !errors.Is(kept.Err(), context.Canceled) {
		t.Errorf("after the call, Err = %v, want context.Canceled", kept.Err())
	}
}
