package rediscloud

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// The one wait loop, once: each wait of the package keeps its own
// behavioural tests.
func TestAwait(t *testing.T) {
	errHard := &TaskError{Type: "hard"} // not transient
	errPassing := errors.New("passing")
	errFailed := errors.New("failed state")
	type look struct {
		v   string
		err error
	}
	cases := []struct {
		name  string
		looks []look
		// cancelAt cancels the context during that look (1-based), 0 never.
		cancelAt  int
		want      string
		wantErr   string
		wantLooks int
	}{
		{name: "settled by the first look", looks: []look{{v: "done"}}, want: "done", wantLooks: 1},
		{name: "pending, then done", looks: []look{{v: "pending"}, {v: "pending"}, {v: "done"}}, want: "done", wantLooks: 3},
		{name: "a passing fault is waited out", looks: []look{{err: errPassing}, {v: "pending"}, {err: errPassing}, {v: "done"}}, want: "done", wantLooks: 4},
		{name: "nothing shown yet is waited out", looks: []look{{err: errNotYet}, {err: errNotYet}, {v: "done"}}, want: "done", wantLooks: 3},
		{name: "a hard fault ends the wait with no value", looks: []look{{v: "pending"}, {err: errHard}}, wantErr: "hard", wantLooks: 2},
		{name: "a failed state ends the wait with its value", looks: []look{{v: "pending"}, {v: "failed"}}, want: "failed", wantErr: "failed state", wantLooks: 2},
		{name: "interrupted during a look: the last status", looks: []look{{v: "pending"}, {v: "pending"}, {err: context.Canceled}}, cancelAt: 3,
			want: "pending", wantErr: "interrupted (last pending): context canceled", wantLooks: 3},
		{name: "interrupted before anything was seen", looks: []look{{err: errNotYet}, {err: context.Canceled}}, cancelAt: 2,
			wantErr: "interrupted (last ): context canceled", wantLooks: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			looks, nexts := 0, 0
			got, err := await(ctx, wait[string]{
				message: "waiting", retry: "retrying", fields: map[string]any{"test": tc.name},
				look: func(context.Context) (string, error) {
					l := tc.looks[looks]
					looks++
					if looks == tc.cancelAt {
						cancel()
					}
					return l.v, l.err
				},
				status: func(v string) string { return v },
				settle: func(v string) (bool, error) {
					switch v {
					case "done":
						return true, nil
					case "failed":
						return true, errFailed
					}
					return false, nil
				},
				next: func(requested time.Time) time.Duration {
					nexts++
					if requested.IsZero() {
						t.Error("next called without the time of the look")
					}
					return time.Millisecond
				},
				interrupted: func(last string, err error) error { return fmt.Errorf("interrupted (last %s): %w", last, err) },
			})
			if got != tc.want {
				t.Errorf("value %q, want %q", got, tc.want)
			}
			if (err == nil) != (tc.wantErr == "") || (err != nil && err.Error() != tc.wantErr) {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
			if looks != tc.wantLooks {
				t.Errorf("%d looks, want %d", looks, tc.wantLooks)
			}
			if want := tc.wantLooks - 1; tc.cancelAt == 0 && nexts != want {
				t.Errorf("%d sleeps scheduled, want %d (one between two looks)", nexts, want)
			}
		})
	}
}
