package cloudsim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// roll reports whether an event of probability rate happens. The random
// source is only consulted for a non-zero rate, so turning faults off does
// not change the IDs a run generates.
func (s *Sim) roll(rate float64) bool {
	return rate > 0 && s.rng.Float64() < rate
}

// injectBefore decides the faults that strike before a request has any
// effect: a dropped connection, a 5xx or a 429. It runs under the lock.
func (s *Sim) injectBefore(path string) (reply, bool) {
	f := s.faults
	switch {
	case s.roll(f.DropConnectionRate):
		s.stats.InjectedFaults++
		s.logf("fault: dropping connection before processing %s", path)
		return reply{drop: true}, true
	case s.roll(f.Error5xxRate):
		s.stats.InjectedFaults++
		return s.fault5xx(path), true
	case s.roll(f.Error429Rate):
		s.stats.InjectedFaults++
		rep := springReply(s.now(), http.StatusTooManyRequests,
			"Too many resources are concurrently created, updated or deleted in the account; retry later", path)
		// The header is undocumented, so clients must cope with both;
		// omitRetryAfter leaves it out every time.
		if !s.omitRetryAfter && s.rng.IntN(2) == 0 {
			rep.header.Set("Retry-After", "1")
		}
		s.logf("fault: 429 for %s", path)
		return rep, true
	}
	return reply{}, false
}

// fault5xx varies the status and the body, because gateways and the
// application fail differently: an empty body, an nginx HTML page or a
// Spring JSON error.
func (s *Sim) fault5xx(path string) reply {
	code := [...]int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[s.rng.IntN(3)]
	s.logf("fault: %d for %s", code, path)
	switch s.rng.IntN(3) {
	case 0:
		return reply{status: code, header: http.Header{}}
	case 1:
		text := strconv.Itoa(code) + " " + http.StatusText(code)
		body := fmt.Sprintf("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", text, text)
		h := http.Header{}
		h.Set("Content-Type", "text/html")
		return reply{status: code, header: h, body: []byte(body)}
	default:
		return springReply(s.now(), code, "", path)
	}
}

// dropAfter decides whether a processed mutating request loses its answer.
func (s *Sim) dropAfter(method, path string) bool {
	if method == http.MethodGet || !s.roll(s.faults.DropAfterRate) {
		return false
	}
	s.stats.InjectedFaults++
	s.logf("fault: dropping connection after processing %s %s", method, path)
	return true
}

// dropConnection closes the client connection without writing anything.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Without hijacking (HTTP/2, recorders) aborting the handler is the
	// closest thing: the server resets the stream without a response.
	panic(http.ErrAbortHandler)
}

// sleepCtx waits d or until the request is abandoned.
func sleepCtx(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}
