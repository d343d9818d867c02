package rediscloud

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// maxErrorBody keeps a gateway's HTML page from flooding a diagnostic.
const maxErrorBody = 2048

// wrapped is the cause an error wraps.
type wrapped struct{ Err error }

func (w wrapped) Unwrap() error { return w.Err }

// asA is errors.As for a type.
func asA[T error](err error) (T, bool) {
	var t T
	ok := errors.As(err, &t)
	return t, ok
}

func isA[T error](err error) bool {
	_, ok := asA[T](err)
	return ok
}

func httpStatus(err error) int {
	if he, ok := asA[*HTTPError](err); ok {
		return he.StatusCode
	}
	return 0
}

// HTTPError is a non-2xx answer. The body is kept as text: the API answers
// errors with Spring-style JSON, an empty body or an HTML page. URL is the
// base URL and Path.
type HTTPError struct {
	Method, Path, URL string
	StatusCode        int
	Body              string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d %s", e.Method, cmp.Or(e.URL, e.Path), e.StatusCode, http.StatusText(e.StatusCode))
	if body := strings.TrimSpace(e.Body); body != "" {
		msg += ": " + body
	}
	return msg
}

// TaskError is a task that ended in processing-error. Type is the API's error
// type (VPC_PEERING_CIDR_OVERLAP), Status its HTTP-like status ("400 BAD_REQUEST").
type TaskError struct {
	TaskID, Type, Status, Description string
}

func (e *TaskError) Error() string {
	msg := cmp.Or(e.Type, "task failed")
	if e.Status != "" {
		msg += " (" + e.Status + ")"
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.TaskID != "" {
		msg += " [task " + e.TaskID + "]"
	}
	return msg
}

// ambiguousError is a failed POST or PUT that may have taken effect: callers
// reconcile (look for what it would have created) before sending it again.
type ambiguousError struct{ wrapped }

func (e *ambiguousError) Error() string {
	return "the request may or may not have been applied: " + e.Err.Error()
}

// waitError is a wait that stopped before its condition held: for a task
// (which may still complete) or for a peering's status.
type waitError struct {
	TaskID     string
	LastStatus string
	wrapped
}

func (e *waitError) Error() string {
	if e.TaskID == "" {
		return fmt.Sprintf("the peering's last status was %q: %v", cmp.Or(e.LastStatus, "not listed yet"), e.Err)
	}
	return fmt.Sprintf("waiting for task %s (last status %s): %v", e.TaskID, cmp.Or(e.LastStatus, "unknown"), e.Err)
}

// TaskUnknownError: the task service never showed a task within
// TaskNotFoundWindow of the answer that named it.
type TaskUnknownError struct {
	Waited time.Duration
	wrapped
}

func (e *TaskUnknownError) Error() string {
	return fmt.Sprintf("the API answered 404 for the task for %s after the answer that named it (%v)", e.Waited.Round(time.Millisecond), e.Err)
}

// SubscriptionNotFoundError is positive evidence that a subscription does
// not exist: a 404 for it while the account's subscription list, read with
// the same URL and keys, does not hold it.
type SubscriptionNotFoundError struct {
	ID int
	wrapped
}

func (e *SubscriptionNotFoundError) Error() string {
	return fmt.Sprintf("subscription %d does not exist in the account of these API keys (%v)", e.ID, e.Err)
}

// UnexpectedNotFoundError is an HTTP 404 that nothing ties to the object
// addressed. It never means "deleted". Reason says what the check of the
// account found, Hint (if any) a fix of the url setting.
type UnexpectedNotFoundError struct {
	HTTP         *HTTPError
	Reason, Hint string
}

func (e *UnexpectedNotFoundError) Error() string {
	msg := fmt.Sprintf("%s %s answered HTTP 404, which is not proof that anything was deleted: %s", e.HTTP.Method, cmp.Or(e.HTTP.URL, e.HTTP.Path), e.Reason)
	if e.Hint != "" {
		msg += ". " + e.Hint
	}
	return msg
}

func (e *UnexpectedNotFoundError) Unwrap() error { return e.HTTP }

// PeeringFailedError: the API reports a peering as failed.
type PeeringFailedError struct {
	Peering Peering
}

func (e *PeeringFailedError) Error() string {
	return fmt.Sprintf("peering %d is %q in Redis Cloud", e.Peering.ID, e.Peering.Status)
}

// cidrsNotAppliedError: the API completed a CIDR update but its lists kept
// showing the old CIDRs.
type cidrsNotAppliedError struct {
	Want, Listed []string
	Waited       time.Duration
}

func (e *cidrsNotAppliedError) Error() string {
	return fmt.Sprintf("the update task completed, but %s after it the peering still lists CIDRs [%s] instead of [%s]",
		e.Waited.Round(time.Second), strings.Join(e.Listed, ", "), strings.Join(e.Want, ", "))
}

// IsNotFound reports whether err is positive evidence that the addressed
// peering or its subscription does not exist. A bare HTTP 404 is not: a
// wrong URL or a forgotten task answers 404 too.
func IsNotFound(err error) bool {
	return isA[*peeringNotFoundError](err) || isA[*SubscriptionNotFoundError](err) || HasErrorType(err, notFoundTypes...)
}

// notFoundTypes prove a peering or its subscription absent.
var notFoundTypes = []string{
	errSubscriptionNotFound,
	errPeeringNotFound,
	errActiveActivePeeringNotFound,
	// Deleting an Active-Active peering of a subscription that has none.
	"DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_FOR_A_SUBSCRIPTION_WITH_NO_VPC_PEERINGS",
}

// IsAlreadyExists reports the API's duplicate-peering refusal.
func IsAlreadyExists(err error) bool {
	return HasErrorType(err, errPeeringAlreadyExists)
}

// IsSubscriptionNotActive reports a task refused for a busy subscription.
func IsSubscriptionNotActive(err error) bool {
	return HasErrorType(err, errSubscriptionNotActive)
}

// isTooManyRequests reports an HTTP 429 that outlived the client's retries.
func isTooManyRequests(err error) bool { return httpStatus(err) == http.StatusTooManyRequests }

// IsUnauthorized reports an HTTP 401 or 403 on a synchronous call.
func IsUnauthorized(err error) bool {
	s := httpStatus(err)
	return s == http.StatusUnauthorized || s == http.StatusForbidden
}

func errorType(err error) string {
	te, _ := asA[*TaskError](err)
	if te == nil {
		return ""
	}
	return te.Type
}

// TaskID returns the ID of the task err is about.
func TaskID(err error) string {
	if te, ok := asA[*TaskError](err); ok {
		return te.TaskID
	}
	if we, ok := asA[*waitError](err); ok {
		return we.TaskID
	}
	return ""
}

// HasErrorType reports a task error of one of types.
func HasErrorType(err error, types ...string) bool {
	t := errorType(err)
	return t != "" && slices.Contains(types, t)
}

// Error types of the API that callers branch on.
const (
	errSubscriptionNotActive       = "SUBSCRIPTION_NOT_ACTIVE"
	errSubscriptionNotFound        = "SUBSCRIPTION_NOT_FOUND"
	errPeeringNotFound             = "VPC_PEERING_NOT_FOUND"
	errPeeringAlreadyExists        = "VPC_PEERING_ALREADY_EXIST"
	errActiveActivePeeringNotFound = "ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND"
	ErrPeeringNotActive            = "VPC_PEERING_NOT_ACTIVE"
)

// IsWrongSubscriptionKind reports the API's refusal of a Pro peering operation
// on an Active-Active subscription, or the reverse.
func IsWrongSubscriptionKind(err error) bool {
	t := errorType(err)
	return strings.HasSuffix(t, "_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION") ||
		strings.HasSuffix(t, "_IS_NOT_ALLOWED_WITH_SINGLE_REGION_SUBSCRIPTION")
}

// DecodeError is a 2xx answer whose body could not be understood.
// DecodeError and RateLimitedError keep a named Err for other packages.
type DecodeError struct {
	Op  string
	Err error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s: the API's answer could not be decoded: %v", e.Op, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// StalledError: the API stopped answering headers or body. It does not
// unwrap: the transport reports a stall as a timeout or a cancellation,
// which would read as the operation's own timeout or an interrupt.
type StalledError struct {
	Method, URL, Phase string
	Idle               time.Duration
	Err                error
}

func (e *StalledError) Error() string {
	msg := fmt.Sprintf("the API stopped answering %s %s while %s", e.Method, e.URL, e.Phase)
	if e.Idle > 0 {
		msg += fmt.Sprintf(": nothing arrived for %s", e.Idle)
	}
	return msg
}

// TooLargeError: an answer was larger than the client reads. Size is the
// announced size, or -1.
type TooLargeError struct {
	Op          string
	Limit, Size int64
}

func (e *TooLargeError) Error() string {
	if e.Size > 0 {
		return fmt.Sprintf("%s: answer too large (%d bytes; at most %d are read)", e.Op, e.Size, e.Limit)
	}
	return fmt.Sprintf("%s: answer too large (more than %d bytes)", e.Op, e.Limit)
}

// RateLimitedError: an operation ran out of time while the API kept
// answering 429.
type RateLimitedError struct {
	Op       string
	Refusals int
	Waited   time.Duration
	Err      error
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("%s: the API answered 429 Too Many Requests %d times over %s and the time ran out: %v", e.Op, e.Refusals, e.Waited.Round(time.Second), e.Err)
}

func (e *RateLimitedError) Unwrap() error { return e.Err }

// peeringNotFoundError: a peering is not in its subscription's list.
type peeringNotFoundError struct {
	SubscriptionID, ID int
}

func (e *peeringNotFoundError) Error() string {
	return fmt.Sprintf("peering %d is not in the peerings of subscription %d", e.ID, e.SubscriptionID)
}

// CreateIncompleteError: a create may have been accepted, but the wait for
// its task ended early. PeeringID is the peering the lookup that followed
// found, if any (else it may still appear); LookupErr why that lookup failed.
type CreateIncompleteError struct {
	SubscriptionID int
	TaskID         string
	PeeringID      int
	LookupErr      error
	wrapped
}

func (e *CreateIncompleteError) Error() string {
	msg := "the create request was sent"
	if e.TaskID != "" {
		msg = fmt.Sprintf("the create request was accepted as task %s", e.TaskID)
	}
	msg += fmt.Sprintf(", but waiting for it failed: %v", e.Err)
	switch {
	case e.PeeringID != 0:
		msg += fmt.Sprintf("; the peering exists as %d/%d", e.SubscriptionID, e.PeeringID)
	case e.LookupErr != nil:
		msg += fmt.Sprintf("; looking for the peering failed too: %v", e.LookupErr)
	default:
		msg += "; no peering of this network is listed yet"
	}
	return msg
}

// SubscriptionStateError: a subscription is in a state that no wait will
// change into active.
type SubscriptionStateError struct {
	ID     int
	Status string
}

func (e *SubscriptionStateError) Error() string {
	return fmt.Sprintf("subscription %d is %q, not active", e.ID, e.Status)
}

// noRedisCIDRsError: the API published no deployment CIDR for a peering's
// Redis side. Region is the Active-Active region asked for, Regions those
// the answer held.
type noRedisCIDRsError struct {
	SubscriptionID int
	Region         string
	Regions        []string
}

func (e *noRedisCIDRsError) Error() string {
	if e.Region != "" {
		if len(e.Regions) > 0 && !slices.ContainsFunc(e.Regions, func(r string) bool { return strings.EqualFold(r, e.Region) }) {
			return fmt.Sprintf("subscription %d has no region %q among its regions (%s)", e.SubscriptionID, e.Region, strings.Join(e.Regions, ", "))
		}
		return fmt.Sprintf("Redis Cloud publishes no deployment CIDR for region %q of subscription %d", e.Region, e.SubscriptionID)
	}
	return fmt.Sprintf("Redis Cloud publishes no deployment CIDR for subscription %d", e.SubscriptionID)
}

// ListShapeError is a list whose answer lacks the documented form: a caller
// must fail rather than take it for an empty list. Source names the answer,
// Missing the path it lacks ("resource.peerings array"), and Found what
// stood there, by type and key names, never by value.
type ListShapeError struct {
	Source, Missing, Found string
}

func (e *ListShapeError) Error() string {
	return fmt.Sprintf("%s lacks the documented %s: %s", cmp.Or(e.Source, "the list"), e.Missing, e.Found)
}

// IsTransient reports errors a later attempt may not meet: network
// failures, 429 and 5xx answers.
func IsTransient(err error) bool {
	if s := httpStatus(err); s != 0 {
		return isTransientStatus(s)
	}
	// What the API said, what a wait found, or a stall (retried once
	// already; a wait must not go on meeting it) is no passing fault.
	for _, final := range []func(error) bool{
		isA[*TaskError], isA[*ambiguousError], isA[*DecodeError], isA[*TooLargeError], isA[*StalledError],
		isA[*SubscriptionStateError], isA[*SubscriptionNotFoundError], isA[*UnexpectedNotFoundError],
		isA[*peeringNotFoundError], isA[*PeeringFailedError], isA[*noRedisCIDRsError],
		isA[*cidrsNotAppliedError], isA[*ListShapeError],
	} {
		if final(err) {
			return false
		}
	}
	// Anything else but a context end is a transport failure.
	return !isContextErr(err)
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
