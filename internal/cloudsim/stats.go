package cloudsim

import (
	"maps"
	"time"
)

// Stats counts what clients did to the simulator since it started or since
// the last ResetStats. It is the JSON of GET /__sim/stats.
type Stats struct {
	// TotalRequests counts every /v1 request, throttled and faulted ones
	// included.
	TotalRequests int `json:"totalRequests"`
	// Requests counts /v1 requests by method and route pattern, e.g.
	// "GET /v1/tasks/{taskId}". Trailing-slash variants count under the
	// pattern without the slash.
	Requests map[string]int `json:"requests"`
	// Throttled counts requests refused by the rate limit.
	Throttled int `json:"throttled"`
	// ChangesRefused counts the changes (create, update or delete)
	// refused because another change of their subscription was running:
	// 429s with changeConflict "429", tasks failed SUBSCRIPTION_NOT_ACTIVE
	// with "task". ListsRefused counts the list tasks failed
	// SUBSCRIPTION_NOT_ACTIVE because a change was running ("task").
	ChangesRefused int `json:"changesRefused"`
	ListsRefused   int `json:"listsRefused"`
	// InjectedFaults counts faults injected: 5xx, 429, dropped connections
	// (before or after processing) and hidden task polls.
	InjectedFaults int `json:"injectedFaults"`
	// TasksCreated and TasksByCommand count tasks by command type, e.g.
	// "vpcPeeringGetRequest".
	TasksCreated   int            `json:"tasksCreated"`
	TasksByCommand map[string]int `json:"tasksByCommand"`
	// PeeringsCreated and PeeringsDeleted count the effects of API tasks
	// (not AddPeering or out-of-band deletes).
	PeeringsCreated int `json:"peeringsCreated"`
	PeeringsDeleted int `json:"peeringsDeleted"`
	// MaxConcurrentPeeringsPerVPC is the highest number of peerings that
	// existed at once for one (subscription, consumer VPC or GCP network)
	// pair, per Redis region for Active-Active. 1 means no duplicate was
	// ever created.
	MaxConcurrentPeeringsPerVPC int `json:"maxConcurrentPeeringsPerVpc"`
	// PeakRequestsPerMinute is the most /v1 requests that arrived in any
	// sliding 60-second window, throttled ones included: what an account's
	// other pipelines would have had to share.
	PeakRequestsPerMinute int `json:"peakRequestsPerMinute"`
	// FirstRequest and LastRequest are when the first and the last /v1
	// request arrived: the span a client kept the API busy.
	FirstRequest time.Time `json:"firstRequest,omitzero"`
	LastRequest  time.Time `json:"lastRequest,omitzero"`
	// FirstTask is when the first task was submitted (the answer that
	// named it): where the API's own part of a run starts, after the
	// synchronous reads a client may make first.
	FirstTask time.Time `json:"firstTask,omitzero"`
	// window holds the arrival times of the last minute's requests.
	window []time.Time
}

// countRequest records a /v1 request arriving at now.
func (st *Stats) countRequest(now time.Time) {
	st.TotalRequests++
	if st.FirstRequest.IsZero() {
		st.FirstRequest = now
	}
	st.LastRequest = now
	i := 0
	for i < len(st.window) && !st.window[i].Add(time.Minute).After(now) {
		i++
	}
	st.window = append(st.window[i:], now)
	st.PeakRequestsPerMinute = max(st.PeakRequestsPerMinute, len(st.window))
}

func newStats() Stats {
	return Stats{Requests: map[string]int{}, TasksByCommand: map[string]int{}}
}

// Stats returns a copy of the counters.
func (s *Sim) Stats() Stats {
	s.lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Requests = maps.Clone(s.stats.Requests)
	st.TasksByCommand = maps.Clone(s.stats.TasksByCommand)
	st.window = nil
	return st
}

// ResetStats zeroes the counters. The per-VPC high-water mark restarts from
// the peerings that exist now.
func (s *Sim) ResetStats() {
	s.lock()
	defer s.mu.Unlock()
	s.stats = newStats()
	s.stats.MaxConcurrentPeeringsPerVPC = s.maxPeeringsPerVPC()
}
