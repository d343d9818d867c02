package rediscloud

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// maxErrorBody bounds how much of an error body is kept, so that an HTML page
// returned by a gateway does not flood a diagnostic.
const maxErrorBody = 2048

// HTTPError is a non-2xx answer to a request. The body is kept as text: the API
// answers errors with Spring-style JSON, an empty body or an HTML page.
type HTTPError struct {
	Method     string
	Path       string
	StatusCode int
	Body       string
	// RetryAfter is the server's Retry-After hint in seconds, when one was sent.
	RetryAfter int
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if body := strings.TrimSpace(e.Body); body != "" {
		msg += ": " + body
	}
	return msg
}

// TaskError is a task that ended in processing-error. Type is the API's error
// type (for example VPC_PEERING_CIDR_OVERLAP), Status its HTTP-like status
// text (for example "400 BAD_REQUEST").
type TaskError struct {
	TaskID      string
	CommandType string
	Type        string
	Status      string
	Description string
}

func (e *TaskError) Error() string {
	var b strings.Builder
	if e.Type != "" {
		b.WriteString(e.Type)
	} else {
		b.WriteString("task failed")
	}
	if e.Status != "" {
		b.WriteString(" (" + e.Status + ")")
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.TaskID != "" {
		b.WriteString(" [task " + e.TaskID + "]")
	}
	return b.String()
}

// StatusCode is the leading number of Status ("404 NOT_FOUND" gives 404), or 0.
func (e *TaskError) StatusCode() int {
	fields := strings.Fields(e.Status)
	if len(fields) == 0 {
		return 0
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil {
		return 0
	}
	return n
}

// AmbiguousError wraps a failure of a request that is not safe to repeat
// blindly (POST or PUT): it may or may not have reached the API and taken
// effect. Callers reconcile, for example by looking for what the request would
// have created, before sending it again.
type AmbiguousError struct {
	Err error
}

func (e *AmbiguousError) Error() string {
	return "the request may or may not have been applied: " + e.Err.Error()
}

func (e *AmbiguousError) Unwrap() error { return e.Err }

// TaskWaitError is returned when waiting for a task stops before the task
// reached a terminal state (timeout, cancellation, or a task the API no longer
// knows). The task may still complete on the API's side.
type TaskWaitError struct {
	TaskID     string
	LastStatus string
	Err        error
}

func (e *TaskWaitError) Error() string {
	status := e.LastStatus
	if status == "" {
		status = "unknown"
	}
	return fmt.Sprintf("waiting for task %s (last status %s): %v", e.TaskID, status, e.Err)
}

func (e *TaskWaitError) Unwrap() error { return e.Err }

// IsNotFound reports whether err says that the addressed object does not exist:
// an HTTP 404, a task error of a *_NOT_FOUND type or with a 404 status, or a
// peering missing from its subscription's list.
func IsNotFound(err error) bool {
	var pe *PeeringNotFoundError
	if errors.As(err, &pe) {
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode == http.StatusNotFound
	}
	var te *TaskError
	if errors.As(err, &te) {
		return strings.HasSuffix(te.Type, "_NOT_FOUND") || te.StatusCode() == http.StatusNotFound
	}
	return false
}

// IsPeeringNotFound reports whether err says that a peering does not exist
// (as opposed to its subscription).
func IsPeeringNotFound(err error) bool {
	var pe *PeeringNotFoundError
	if errors.As(err, &pe) {
		return true
	}
	return HasErrorType(err, ErrPeeringNotFound, ErrActiveActivePeeringNotFound)
}

// IsAlreadyExists reports whether err is the API's duplicate-peering refusal.
func IsAlreadyExists(err error) bool {
	return HasErrorType(err, ErrPeeringAlreadyExists)
}

// IsSubscriptionNotActive reports whether a task was refused because its
// subscription was busy (not active).
func IsSubscriptionNotActive(err error) bool {
	return HasErrorType(err, ErrSubscriptionNotActive)
}

// IsTooManyRequests reports an HTTP 429 that outlived the client's retries.
func IsTooManyRequests(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.StatusCode == http.StatusTooManyRequests
}

// IsUnauthorized reports an HTTP 401 or 403 on a synchronous call.
func IsUnauthorized(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && (he.StatusCode == http.StatusUnauthorized || he.StatusCode == http.StatusForbidden)
}

// IsAmbiguous reports whether err leaves it unknown if a mutating request took effect.
func IsAmbiguous(err error) bool {
	var ae *AmbiguousError
	return errors.As(err, &ae)
}

// ErrorType returns the API error type carried by err, or "".
func ErrorType(err error) string {
	var te *TaskError
	if errors.As(err, &te) {
		return te.Type
	}
	return ""
}

// TaskID returns the ID of the task err is about, or "".
func TaskID(err error) string {
	var te *TaskError
	if errors.As(err, &te) {
		return te.TaskID
	}
	var we *TaskWaitError
	if errors.As(err, &we) {
		return we.TaskID
	}
	return ""
}

// HasErrorType reports whether err is a task error of one of the given types.
func HasErrorType(err error, types ...string) bool {
	t := ErrorType(err)
	if t == "" {
		return false
	}
	for _, want := range types {
		if t == want {
			return true
		}
	}
	return false
}

// Error types of the API that callers branch on.
const (
	ErrSubscriptionNotActive       = "SUBSCRIPTION_NOT_ACTIVE"
	ErrSubscriptionNotFound        = "SUBSCRIPTION_NOT_FOUND"
	ErrPeeringNotFound             = "VPC_PEERING_NOT_FOUND"
	ErrPeeringAlreadyExists        = "VPC_PEERING_ALREADY_EXIST"
	ErrActiveActivePeeringNotFound = "ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND"
	ErrInvalidSourceRegion         = "ACTIVE_ACTIVE_VPC_PEERING_INVALID_SOURCE_REGION_NAME"
)

// IsWrongSubscriptionKind reports the API's refusal of a Pro peering operation
// on an Active-Active subscription, or the reverse.
func IsWrongSubscriptionKind(err error) bool {
	t := ErrorType(err)
	return strings.HasSuffix(t, "_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION") ||
		strings.HasSuffix(t, "_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION")
}

// DecodeError is a 2xx answer whose body could not be understood.
type DecodeError struct {
	Op  string
	Err error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s: the API's answer could not be decoded: %v", e.Op, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
