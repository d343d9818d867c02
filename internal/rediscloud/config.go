package rediscloud

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// DefaultBaseURL is the Redis Cloud API endpoint.
	DefaultBaseURL = "https://api.redislabs.com/v1"
	// DefaultRequestsPerMinute is the documented limit per account key.
	DefaultRequestsPerMinute = 400
	DefaultMaxRetries        = 10
)

// Config configures a Client. A zero RequestsPerMinute means no limit and a
// zero MaxRetries no retry; a zero duration, which no caller can mean,
// takes its default (DefaultConfig).
type Config struct {
	// BaseURL is the API root including /v1 (DefaultBaseURL when empty).
	BaseURL                      string
	APIKey, SecretKey, UserAgent string
	// RequestsPerMinute caps this client's requests in any 60 s window;
	// MaxRetries is how often a request that failed transiently is repeated.
	RequestsPerMinute, MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the back-off between retries; a
	// Retry-After header wins within 5 minutes. A task the API refused is
	// sent again after a back-off from 4×RetryWaitMin to RetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
	// PollFirst is the earliest a task is polled after the answer that
	// named it, while no task has been timed: the task service may not know
	// it before. PollMin and PollMax bound the delay between two polls.
	PollFirst, PollMin, PollMax time.Duration
	// StatusPollMax bounds the time between two looks of a status wait.
	StatusPollMax time.Duration
	// CreateLookupTimeout bounds the lookup of the peering of a create whose
	// task wait failed, which runs even when the create's context has ended.
	CreateLookupTimeout time.Duration
	// TaskNotFoundWindow is how long after the answer that named it a task
	// may be unknown to the task service. Redis's own client allows about 31 s.
	TaskNotFoundWindow time.Duration
	// SnapshotTTL is how long a peering list serves further reads, and how
	// far apart the reads of a burst may come for it to keep serving them.
	SnapshotTTL time.Duration
	// A stall of the headers or the body ends a request with a StalledError.
	ResponseHeaderTimeout, ReadIdleTimeout time.Duration
	HTTPClient                             *http.Client // tests
}

// DefaultConfig returns every default but BaseURL's and the keys.
func DefaultConfig() Config {
	return Config{
		UserAgent:             "terraform-provider-rediscloud",
		RequestsPerMinute:     DefaultRequestsPerMinute,
		MaxRetries:            DefaultMaxRetries,
		RetryWaitMin:          250 * time.Millisecond,
		RetryWaitMax:          30 * time.Second,
		PollFirst:             time.Second,
		PollMin:               250 * time.Millisecond,
		PollMax:               5 * time.Second,
		StatusPollMax:         8 * time.Second,
		CreateLookupTimeout:   15 * time.Second,
		TaskNotFoundWindow:    time.Minute,
		SnapshotTTL:           5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ReadIdleTimeout:       30 * time.Second,
	}
}

// ParseBaseURL validates an API base URL: https anywhere, http only on a
// loopback host (a local simulator), never credentials in the URL.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url.Error repeats the whole URL; keep only the reason.
		if ue, ok := asA[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s is not a valid URL: %w", shownURL(raw), err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s is not an absolute URL; expected a form such as %s", shownURL(raw), DefaultBaseURL)
	}
	if u.User != nil {
		return nil, errors.New("the URL must not contain credentials; set api_key and secret_key instead")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		// A query string may carry keys, and a base URL has no use for one.
		return nil, errors.New("the URL must not contain a query string or a fragment (not shown); set api_key and secret_key for the keys, and give the base URL alone, such as " + DefaultBaseURL)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("plain http:// is accepted only for a loopback host (a local simulator), not %q: use https://", u.Hostname())
		}
	default:
		return nil, fmt.Errorf("scheme %q is not supported: use https://", u.Scheme)
	}
	// Paths are appended to it.
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// shownURL quotes a URL for an error message, unless it may carry
// credentials (user:password@host), which are never repeated.
func shownURL(raw string) string {
	if strings.ContainsAny(raw, "@?#") {
		return "the URL (not shown: it may carry credentials)"
	}
	return fmt.Sprintf("%q", raw)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
