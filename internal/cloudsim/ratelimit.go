package cloudsim

import (
	"math"
	"time"
)

// documentedRateWindow is the window the API's limit counts in: a minute.
const documentedRateWindow = time.Minute

// rateLimiter keeps, per API key, the times of the requests counted in the
// last window (a minute unless the run-time configuration scales it): a
// sliding log, so the limit holds in any window, not just in fixed minutes
// that a burst could straddle.
type rateLimiter struct {
	windows map[string][]time.Time
}

// allow records a request for key at now if fewer than limit were counted
// in the preceding window. A refused request is counted too when
// countRefused is set, as a strict server counts every request it gets:
// then a client that keeps sending while refused stays refused. It returns
// how many requests remain, and when refused, how many whole seconds until
// a slot frees (if no other request comes meanwhile).
func (l *rateLimiter) allow(key string, now time.Time, limit int, window time.Duration, countRefused bool) (ok bool, remaining, retryAfter int) {
	w := l.windows[key]
	// Drop what has left the window.
	i := 0
	for i < len(w) && !w[i].Add(window).After(now) {
		i++
	}
	w = w[i:]
	if len(w) >= limit {
		if countRefused {
			w = append(w, now)
		}
		l.windows[key] = w
		// A slot frees when enough old requests leave for the count to
		// drop below the limit (the limit may have been lowered at run
		// time, so this is not always the oldest one).
		free := w[len(w)-limit].Add(window)
		secs := int(math.Ceil(free.Sub(now).Seconds()))
		return false, 0, max(secs, 1)
	}
	w = append(w, now)
	l.windows[key] = w
	return true, limit - len(w), 0
}
