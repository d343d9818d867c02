package cloudsim

import (
	"cmp"
	"crypto/subtle"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds request bodies; peering bodies are a few hundred bytes.
const maxBody = 1 << 20

// reply is a /v1 answer computed under the lock and written after it, so a
// fault can still replace it with a dropped connection.
type reply struct {
	status int
	header http.Header
	body   []byte
	drop   bool
}

func jsonReply(code int, v any) reply {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return reply{status: code, header: h, body: mustJSON(v)}
}

func springReply(now time.Time, code int, message, path string) reply {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return reply{status: code, header: h, body: springBody(now, code, message, path)}
}

// apiRoute is one /v1 endpoint. Patterns are what the stats are keyed by.
type apiRoute struct {
	method  string
	pattern string
	handle  func(s *Sim, c *call) reply
	segs    []string
}

// call is a routed, authenticated /v1 request.
type call struct {
	path      string
	base      string // API base URL as the client reached it, for links
	subID     int
	peeringID int
	taskID    string
	body      []byte
}

var apiRoutes = func() []apiRoute {
	const (
		sub     = "/v1/subscriptions/{subscriptionId}"
		pro     = sub + "/peerings"
		proOne  = pro + "/{peeringId}"
		aa      = sub + "/regions/peerings"
		aaOne   = aa + "/{peeringId}"
		get     = http.MethodGet
		post    = http.MethodPost
		put     = http.MethodPut
		del     = http.MethodDelete
		regions = sub + "/regions"
	)
	routes := []apiRoute{
		{method: get, pattern: "/v1/subscriptions", handle: (*Sim).listSubscriptions},
		{method: get, pattern: sub, handle: (*Sim).getSubscription},
		{method: get, pattern: regions, handle: (*Sim).getRegions},
		{method: post, pattern: pro, handle: peeringOp(opCreate, false)},
		{method: get, pattern: pro, handle: peeringOp(opList, false)},
		{method: put, pattern: proOne, handle: peeringOp(opUpdate, false)},
		{method: del, pattern: proOne, handle: peeringOp(opDelete, false)},
		{method: post, pattern: aa, handle: peeringOp(opCreate, true)},
		{method: get, pattern: aa, handle: peeringOp(opList, true)},
		{method: put, pattern: aaOne, handle: peeringOp(opUpdate, true)},
		{method: del, pattern: aaOne, handle: peeringOp(opDelete, true)},
		{method: get, pattern: "/v1/tasks/{taskId}", handle: (*Sim).getTask},
		{method: get, pattern: "/v1/tasks", handle: (*Sim).listTasks},
	}
	for i := range routes {
		routes[i].segs = splitPath(routes[i].pattern)
	}
	return routes
}()

// splitPath splits a path into segments, ignoring one trailing slash: the
// SDK calls some endpoints with it and some without.
func splitPath(p string) []string {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	return strings.Split(p, "/")
}

func (rt *apiRoute) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, want := range rt.segs {
		if strings.HasPrefix(want, "{") {
			if segs[i] == "" {
				return nil, false
			}
			params[strings.Trim(want, "{}")] = segs[i]
		} else if segs[i] != want {
			return nil, false
		}
	}
	return params, true
}

// matchRoute finds the route for a request. When only the path matches, it
// returns no route but the pattern, for a 405 counted under that pattern.
func matchRoute(method, path string) (*apiRoute, string, map[string]string) {
	segs := splitPath(path)
	pattern := ""
	for i := range apiRoutes {
		rt := &apiRoutes[i]
		params, ok := rt.match(segs)
		if !ok {
			continue
		}
		if rt.method == method {
			return rt, rt.pattern, params
		}
		pattern = rt.pattern
	}
	return nil, pattern, nil
}

// ServeHTTP serves the API under /v1 and the control endpoints under
// /__sim.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/v1" || strings.HasPrefix(p, "/v1/"):
		s.serveAPI(w, r)
	case p == "/__sim" || strings.HasPrefix(p, "/__sim/"):
		s.serveControl(w, r)
	default:
		writeReply(w, springReply(s.now(), http.StatusNotFound, "The API lives under /v1", p))
	}
}

func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request) {
	rt, pattern, params := matchRoute(r.Method, r.URL.Path)
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))

	s.lock()
	s.stats.countRequest(s.now())
	if pattern != "" {
		s.stats.Requests[r.Method+" "+pattern]++
	}
	latency := time.Duration(s.faults.Latency)
	s.mu.Unlock()

	sleepCtx(r, latency)
	rep := s.handleAPI(r, rt, pattern, params, body, readErr)
	if rep.drop {
		s.logf("%s %s -> connection dropped", r.Method, r.URL.Path)
		dropConnection(w)
		return
	}
	s.logf("%s %s -> %d", r.Method, r.URL.Path, rep.status)
	writeReply(w, rep)
}

// handleAPI runs the request pipeline: rate limit, auth, injected faults,
// routing errors, then the endpoint itself.
func (s *Sim) handleAPI(r *http.Request, rt *apiRoute, pattern string, params map[string]string, body []byte, readErr error) reply {
	s.lock()
	defer s.mu.Unlock()
	now := s.now()
	path := r.URL.Path

	remaining := -1
	if s.rateLimit > 0 {
		window := cmp.Or(s.rateWindow, documentedRateWindow)
		ok, rem, retryAfter := s.limiter.allow(r.Header.Get("x-api-key"), now, s.rateLimit, window, s.countRefused)
		if !ok {
			s.stats.Throttled++
			per := "minute"
			if window != documentedRateWindow {
				per = window.String()
			}
			rep := springReply(now, http.StatusTooManyRequests,
				fmt.Sprintf("Rate limit of %d requests per %s exceeded", s.rateLimit, per), path)
			rep.header.Set("X-Rate-Limit-Remaining", "0")
			if !s.omitRetryAfter {
				rep.header.Set("Retry-After", strconv.Itoa(retryAfter))
			}
			return rep
		}
		remaining = rem
	}
	rep := s.dispatch(r, rt, pattern, params, body, readErr)
	if remaining >= 0 && !rep.drop {
		rep.header.Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
	}
	return rep
}

func (s *Sim) dispatch(r *http.Request, rt *apiRoute, pattern string, params map[string]string, body []byte, readErr error) reply {
	now := s.now()
	path := r.URL.Path
	if !s.authorized(r) {
		return springReply(now, http.StatusUnauthorized, "Authentication failed for requested resource", path)
	}
	if rep, ok := s.injectBefore(path); ok {
		return rep
	}
	switch {
	case rt == nil && pattern != "":
		return springReply(now, http.StatusMethodNotAllowed, fmt.Sprintf("Request method '%s' is not supported", r.Method), path)
	case rt == nil:
		return springReply(now, http.StatusNotFound, "", path)
	case readErr != nil:
		return springReply(now, http.StatusBadRequest, "The request body could not be read", path)
	}
	c := &call{path: path, base: baseURL(r), body: body}
	for name, v := range params {
		if name == "taskId" {
			c.taskID = v
			continue
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return springReply(now, http.StatusBadRequest, fmt.Sprintf(
				"Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'; For input string: \"%s\"", v), path)
		}
		if name == "peeringId" {
			c.peeringID = int(n)
		} else {
			c.subID = int(n)
		}
	}
	rep := rt.handle(s, c)
	if rep.status < 300 && s.dropAfter(r.Method, path) {
		return reply{drop: true}
	}
	return rep
}

func (s *Sim) authorized(r *http.Request) bool {
	key := r.Header.Get("x-api-key")
	secret := r.Header.Get("x-api-secret-key")
	return subtle.ConstantTimeCompare([]byte(key), []byte(s.apiKey)) == 1 &&
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.secretKey)) == 1
}

// baseURL is the API base as the client addressed it, so task links work
// through whatever host and port the client used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/v1"
}

func writeReply(w http.ResponseWriter, rep reply) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// ---- endpoints ----

func (s *Sim) subscriptionNotFound(c *call) reply {
	return springReply(s.now(), http.StatusNotFound, fmt.Sprintf("Subscription %d not found", c.subID), c.path)
}

// listSubscriptions is GET /subscriptions (reference 5.7): every
// subscription of the account, ordered by ID, each in the shape
// GET /subscriptions/{id} returns.
func (s *Sim) listSubscriptions(c *call) reply {
	ids := slices.Sorted(maps.Keys(s.subs))
	subs := make([]wireSubscription, 0, len(ids))
	for _, id := range ids {
		sub := s.subs[id]
		subs = append(subs, sub.wire(c.base, s.subscriptionStatus(sub)))
	}
	return jsonReply(http.StatusOK, wireSubscriptions{AccountID: AccountID, Subscriptions: subs})
}

func (s *Sim) getSubscription(c *call) reply {
	sub := s.subs[c.subID]
	if sub == nil {
		return s.subscriptionNotFound(c)
	}
	return jsonReply(http.StatusOK, sub.wire(c.base, s.subscriptionStatus(sub)))
}

func (s *Sim) getRegions(c *call) reply {
	sub := s.subs[c.subID]
	if sub == nil {
		return s.subscriptionNotFound(c)
	}
	return jsonReply(http.StatusOK, sub.wireRegions(c.base))
}

// peeringOp handles the eight peering endpoints alike: only the subscription
// is checked synchronously, and for a change, whether another change of it
// runs (see changeRunning); everything else happens inside the task. The
// spec gives 202 for Pro and 200 for Active-Active.
func peeringOp(op opKind, activeActive bool) func(*Sim, *call) reply {
	code := http.StatusAccepted
	if activeActive {
		code = http.StatusOK
	}
	return func(s *Sim, c *call) reply {
		if s.subs[c.subID] == nil {
			return s.subscriptionNotFound(c)
		}
		var body []byte
		if op == opCreate || op == opUpdate {
			body = c.body
		}
		sub := s.subs[c.subID]
		conflict := op != opList && s.changeConflict != ChangeConflictOff && s.changeRunning(sub)
		if conflict {
			s.stats.ChangesRefused++
			if s.changeConflict == ChangeConflict429 {
				return s.changeConflictReply(sub, c.path)
			}
		}
		t := s.submit(op, activeActive, c.subID, c.peeringID, body)
		if op != opList {
			s.startChange(sub, t, conflict)
		}
		rep := jsonReply(code, s.view(t, c.base, true))
		// With no task latency the task is done at once; its effects must
		// be visible to whatever looks next.
		s.advance()
		return rep
	}
}

func (s *Sim) getTask(c *call) reply {
	t := s.tasks[c.taskID]
	if t == nil {
		return reply{status: http.StatusNotFound, header: http.Header{}}
	}
	if t.hiddenPolls > 0 || t.hiddenAt(s.now()) {
		// Indistinguishable from an unknown task, as the real API's
		// eventual consistency is. A poll hidden by time still counts as
		// one of the first taskNotFoundPolls.
		t.hiddenPolls = max(t.hiddenPolls-1, 0)
		s.stats.InjectedFaults++
		return reply{status: http.StatusNotFound, header: http.Header{}}
	}
	return jsonReply(http.StatusOK, s.view(t, c.base, false))
}

func (s *Sim) listTasks(c *call) reply {
	tasks := s.recentTasks(c.base)
	if s.tasksBareArray {
		return jsonReply(http.StatusOK, tasks)
	}
	return jsonReply(http.StatusOK, struct {
		Tasks []wireTask `json:"tasks"`
	}{tasks})
}
