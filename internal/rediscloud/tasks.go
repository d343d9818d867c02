package rediscloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Task statuses.
const (
	TaskInitialized         = "initialized"
	TaskReceived            = "received"
	TaskProcessing          = "processing-in-progress"
	TaskProcessingCompleted = "processing-completed"
	TaskProcessingError     = "processing-error"
)

// taskState is the API's TaskStateUpdate. Both link forms (`links` and the legacy
// `_links`) are ignored: the task URL is built from its ID.
type taskState struct {
	ID          string        `json:"taskId"`
	CommandType string        `json:"commandType"`
	Status      string        `json:"status"`
	Description string        `json:"description"`
	Response    *taskResponse `json:"response"`
}

// taskResponse is the API's ProcessorResponse.
type taskResponse struct {
	ResourceID flexInt         `json:"resourceId"`
	Resource   json.RawMessage `json:"resource"`
	Error      *taskErrorBody  `json:"error"`
}

// taskErrorBody is `response.error`. The captured API answers carry an object
// {type, status, description}; the specification declares a bare string,
// which is taken as the type.
type taskErrorBody struct {
	Type        string
	Status      string
	Description string
}

// UnmarshalJSON accepts an object, a string or null.
func (e *taskErrorBody) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil
	}
	if b[0] == '"' {
		return json.Unmarshal(b, &e.Type)
	}
	var obj struct {
		Type        json.RawMessage `json:"type"`
		Status      json.RawMessage `json:"status"`
		Description json.RawMessage `json:"description"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	e.Type = looseString(obj.Type)
	e.Status = looseString(obj.Status)
	e.Description = looseString(obj.Description)
	return nil
}

// decodeTask decodes a task document leniently.
func decodeTask(b []byte) (*taskState, error) {
	var t taskState
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("decoding task: %w", err)
	}
	return &t, nil
}

// isPending reports whether a task status keeps the wait going: the task
// has not ended yet (an empty status counts as not ended).
func isPending(status string) bool {
	switch status {
	case TaskInitialized, TaskReceived, TaskProcessing, "":
		return true
	}
	return false
}

// getTask reads a task once.
func (c *Client) getTask(ctx context.Context, id string) (*taskState, error) {
	var t taskState
	err := c.do(ctx, request{method: http.MethodGet, path: "/tasks/" + url.PathEscape(id), op: "get task"}, &t)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// startTask sends an asynchronous call and returns the task it started.
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

// runTask starts an asynchronous call and waits for its task to end.
func (c *Client) runTask(ctx context.Context, r request, label string) (*taskState, error) {
	t, err := c.startTask(ctx, r)
	if err != nil {
		return nil, err
	}
	// The task was made by the attempt that was answered: time the wait from
	// that answer, so that the transport's retries before it stretch neither
	// the poll schedule nor the latency estimate of later waits.
	return c.waitTask(ctx, t, label, time.Now())
}

// waitForTask polls a task until it completes, fails or ctx ends; label
// names the operation in log lines.
func (c *Client) waitForTask(ctx context.Context, id, label string) (*taskState, error) {
	return c.waitTask(ctx, &taskState{ID: id}, label, time.Now())
}

// waitTask waits for t, named by the answer received at submitted, to end.
// The task service learns of a task some time after that answer and
// answers 404 meanwhile: a 404 within taskNotFoundWindow of it is waited
// out; after the window, or once the task was seen, it ends the wait.
func (c *Client) waitTask(ctx context.Context, t *taskState, label string, submitted time.Time) (*taskState, error) {
	ctx = c.logContext(ctx)
	schedule := c.newTaskSchedule(submitted)
	polls, seen := 0, false
	lastStatus := t.Status
	// polled is when the last poll was sent; lastKnown the last poll that
	// found the task still running (zero while none has).
	var polled, lastKnown time.Time
	task, err := await(ctx, wait[*taskState]{
		message: "waiting for task",
		retry:   "polling task failed; will poll again",
		fields:  map[string]any{"task_id": t.ID, "kind": label},
		look: func(ctx context.Context) (*taskState, error) {
			if polls++; polls == 1 {
				// The answer that named the task may already be terminal.
				return t, nil
			}
			polled = time.Now()
			cur, err := c.getTask(ctx, t.ID)
			var he *HTTPError
			switch {
			case err == nil:
				seen = true
				if cur.ID == "" {
					cur.ID = t.ID
				}
				return cur, nil
			case ctx.Err() != nil || isTransient(err):
				return nil, err
			case !errors.As(err, &he) || he.StatusCode != http.StatusNotFound:
				return nil, &taskWaitError{TaskID: t.ID, LastStatus: lastStatus, Err: err}
			case seen:
				// A task the API showed and then forgot says nothing
				// about the peering: it is an error, never "deleted".
				return nil, &taskWaitError{TaskID: t.ID, LastStatus: lastStatus, Err: fmt.Errorf("the API no longer knows the task it reported before: %w", err)}
			case polled.Sub(submitted) < c.taskNotFoundWindow:
				return nil, errNotYet
			default:
				return nil, &taskWaitError{TaskID: t.ID, LastStatus: lastStatus, Err: &TaskUnknownError{Waited: polled.Sub(submitted), Err: err}}
			}
		},
		status: func(t *taskState) string { return t.Status },
		settle: func(cur *taskState) (bool, error) {
			lastStatus = cur.Status
			if isPending(cur.Status) && (cur.Response == nil || cur.Response.Error == nil) {
				if polls > 1 {
					lastKnown = polled
				}
				return false, nil
			}
			if polls > 1 {
				// When the task was seen running before, it ended between
				// that poll and this one; otherwise this poll is the first
				// moment it could be seen complete, which is what the next
				// wait needs.
				took := polled.Sub(submitted)
				if !lastKnown.IsZero() {
					took = lastKnown.Sub(submitted) + polled.Sub(lastKnown)/2
				}
				c.latency.observe(waitTask, took)
				tflog.SubsystemDebug(ctx, logSubsystem, "task finished", map[string]any{
					"task_id": cur.ID, "kind": label, "status": cur.Status, "elapsed_ms": time.Since(submitted).Milliseconds(),
				})
			}
			return true, nil
		},
		passing: func(err error) bool {
			var we *taskWaitError
			return errors.Is(err, errNotYet) || (!errors.As(err, &we) && isTransient(err))
		},
		next: func(time.Time) time.Duration { return schedule.next() },
		interrupted: func(last string, err error) error {
			return &taskWaitError{TaskID: t.ID, LastStatus: last, Err: err}
		},
	})
	if err != nil {
		return nil, err
	}
	return finishTask(task)
}

// finishTask turns a terminal task into a result or a TaskError.
func finishTask(t *taskState) (*taskState, error) {
	var body *taskErrorBody
	if t.Response != nil {
		body = t.Response.Error
	}
	if t.Status == TaskProcessingCompleted && body == nil {
		return t, nil
	}
	te := &TaskError{TaskID: t.ID, CommandType: t.CommandType}
	switch {
	case body != nil:
		te.Type, te.Status, te.Description = body.Type, body.Status, body.Description
	case t.Status == TaskProcessingError:
		te.Description = t.Description
	default:
		te.Type = "UNKNOWN_STATUS"
		te.Description = fmt.Sprintf("the task ended in an unexpected status %q", t.Status)
	}
	return t, te
}

// isTransient reports errors worth another attempt later: network failures,
// 429 and 5xx answers.
func isTransient(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode == http.StatusTooManyRequests || (he.StatusCode >= 500 && he.StatusCode != http.StatusNotImplemented)
	}
	var te *TaskError
	if errors.As(err, &te) {
		return false
	}
	var ae *ambiguousError
	if errors.As(err, &ae) {
		return false
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return false
	}
	var tl *TooLargeError
	if errors.As(err, &tl) {
		return false
	}
	// What the API said, or what a wait found, is no passing fault.
	var (
		ss *SubscriptionStateError
		sn *SubscriptionNotFoundError
		un *UnexpectedNotFoundError
		pn *peeringNotFoundError
		pf *PeeringFailedError
		nc *noRedisCIDRsError
		ca *cidrsNotAppliedError
		ls *ListShapeError
		st *StalledError // retried once already; a wait must not go on meeting it
	)
	if errors.As(err, &st) || errors.As(err, &ss) || errors.As(err, &sn) || errors.As(err, &un) || errors.As(err, &pn) ||
		errors.As(err, &pf) || errors.As(err, &nc) || errors.As(err, &ca) || errors.As(err, &ls) {
		return false
	}
	// Anything else that is not a context end is a transport failure.
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// IsTransient reports whether err is a passing failure (network, 429, 5xx)
// that a later attempt may not meet.
func IsTransient(err error) bool { return isTransient(err) }
