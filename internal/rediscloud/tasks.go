package rediscloud

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const (
	taskInitialized         = "initialized"
	taskReceived            = "received"
	taskProcessing          = "processing-in-progress"
	taskProcessingCompleted = "processing-completed"
	taskProcessingError     = "processing-error"
)

// isPending reports a task status that has not ended (empty included).
func isPending(status string) bool {
	return slices.Contains([]string{taskInitialized, taskReceived, taskProcessing, ""}, status)
}

func (c *Client) getTask(ctx context.Context, id string) (*taskState, error) {
	var t taskState
	if err := c.do(ctx, request{method: http.MethodGet, path: "/tasks/" + url.PathEscape(id), op: "get task"}, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

func (c *Client) startTask(ctx context.Context, r request) (*taskState, error) {
	var t taskState
	if err := c.do(ctx, r, &t); err != nil {
		return nil, err
	}
	if strings.TrimSpace(t.ID) == "" {
		return nil, fmt.Errorf("%s: the API answered without a task ID", r.op)
	}
	return &t, nil
}

func (c *Client) runTask(ctx context.Context, r request, label string) (*taskState, error) {
	t, err := c.startTask(ctx, r)
	if err != nil {
		return nil, err
	}
	// Timed from the answer, so that the transport's retries before it
	// stretch neither the poll schedule nor the latency estimates.
	return c.waitTask(ctx, t, label, time.Now())
}

// waitTask waits for t, named by the answer received at submitted, to end.
// The task service learns of a task some time after that answer: a 404
// within TaskNotFoundWindow of it is waited out; after the window, or once
// the task was seen, it ends the wait.
func (c *Client) waitTask(ctx context.Context, t *taskState, label string, submitted time.Time) (*taskState, error) {
	ctx = c.logContext(ctx)
	schedule := c.newTaskSchedule(submitted)
	// seen is whether any poll found the task, shown whether the last did.
	polls, seen, shown := 0, false, false
	lastStatus := t.Status
	var polled time.Time // when the last poll was sent
	task, err := await(ctx, wait[*taskState]{
		message: "waiting for task",
		retry:   "polling task failed; will poll again",
		fields:  map[string]any{"task_id": t.ID, "operation": label},
		look: func(ctx context.Context) (*taskState, error) {
			if polls++; polls == 1 {
				// The answer that named the task may already be terminal.
				return t, nil
			}
			polled = time.Now()
			cur, err := c.getTask(ctx, t.ID)
			shown = err == nil
			switch {
			case err == nil:
				seen = true
				cur.ID = cmp.Or(cur.ID, t.ID)
				return cur, nil
			case httpStatus(err) != http.StatusNotFound:
				return nil, err
			case seen:
				// A task the API showed and then forgot says nothing
				// about the peering: it is an error, never "deleted".
				return nil, fmt.Errorf("the API no longer knows the task it reported before: %w", err)
			case polled.Sub(submitted) < c.cfg.TaskNotFoundWindow:
				return nil, errNotYet
			}
			return nil, &TaskUnknownError{Waited: polled.Sub(submitted), wrapped: wrapped{err}}
		},
		status: func(t *taskState) string { return t.Status },
		settle: func(cur *taskState) (bool, error) {
			lastStatus = cur.Status
			if isPending(cur.Status) && cur.Response.Error == nil {
				return false, nil
			}
			if polls > 1 {
				// The next wait's first poll comes when this task was
				// first seen complete: one before a task ends costs a
				// request, and another half the time waited later.
				c.latency.observe(waitTask, polled.Sub(submitted))
				tflog.SubsystemDebug(ctx, logSubsystem, "task finished", map[string]any{
					"task_id": cur.ID, "operation": label, "status": cur.Status, "elapsed_ms": time.Since(submitted).Milliseconds(),
				})
			}
			return true, nil
		},
		next: func(time.Time) time.Duration { return schedule.next(shown) },
		// Every failure is wrapped below, with the last status seen.
		interrupted: func(_ string, err error) error { return err },
	})
	if err != nil {
		return nil, &waitError{TaskID: t.ID, LastStatus: lastStatus, wrapped: wrapped{err}}
	}
	return finishTask(task)
}

// createdID is the positive resourceId a task's response names, or 0.
func (t *taskState) createdID() int { return max(t.Response.ResourceID.Value, 0) }

func finishTask(t *taskState) (*taskState, error) {
	body := t.Response.Error
	if t.Status == taskProcessingCompleted && body == nil {
		return t, nil
	}
	te := &TaskError{TaskID: t.ID}
	switch {
	case body != nil:
		te.Type, te.Status, te.Description = body.Type, body.Status, body.Description
	case t.Status == taskProcessingError:
		te.Description = t.Description
	default:
		te.Type = "UNKNOWN_STATUS"
		te.Description = fmt.Sprintf("the task ended in an unexpected status %q", t.Status)
	}
	return t, te
}
