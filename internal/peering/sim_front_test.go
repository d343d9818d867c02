package peering_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/cloudsim"
)

// answer is one request the simulator answered, as the provider got it.
type answer struct {
	method, path string
	status       int
	body         []byte
}

func (a answer) String() string {
	return fmt.Sprintf("%s %s -> %d", a.method, a.path, a.status)
}

// subscriptionStatus is the status a read of subscription sub answered, or
// "" when a is not such a read.
func (a answer) subscriptionStatus(sub int) string {
	if read, status := a.subscriptionRead(); read == sub {
		return status
	}
	return ""
}

// subscriptionRead returns the subscription a successful read of one
// subscription was about and the status it answered, or 0.
func (a answer) subscriptionRead() (sub int, status string) {
	if a.method != http.MethodGet || a.status != http.StatusOK {
		return 0, ""
	}
	if _, err := fmt.Sscanf(a.path, "/v1/subscriptions/%d", &sub); err != nil || a.path != fmt.Sprintf("/v1/subscriptions/%d", sub) {
		return 0, ""
	}
	var w struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(a.body, &w) != nil {
		return 0, ""
	}
	return sub, w.Status
}

// createsPeering reports a POST that asks for a peering of subscription sub.
func (a answer) createsPeering(sub int) bool {
	prefix := fmt.Sprintf("/v1/subscriptions/%d/", sub)
	return a.method == http.MethodPost && strings.HasPrefix(a.path, prefix) && strings.HasSuffix(a.path, "/peerings")
}

// refusedInactive reports an answer that refuses a task because the
// subscription is not active.
func (a answer) refusedInactive() bool {
	return bytes.Contains(a.body, []byte(`"SUBSCRIPTION_NOT_ACTIVE"`))
}

// simFront serves a simulator's API through a front that keeps every
// answer in the order the provider got it. One request at a time goes
// through, so the order is the simulator's too. After each answer, before
// the provider gets it, onAnswer (under the front's lock) may act on the
// simulator: the provider's next request meets what it did.
type simFront struct {
	t   *testing.T
	srv *cloudsim.Server
	url string

	mu      sync.Mutex
	answers []answer
	// applyFrom is the index of the first answer of the apply, once the
	// plan check of applyStarts has run.
	applyFrom int
	onAnswer  func()
}

func newSimFront(t *testing.T, srv *cloudsim.Server) *simFront {
	f := &simFront{t: t, srv: srv, applyFrom: -1}
	front := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(front.Close)
	f.url = front.URL + "/v1"
	return f
}

func (f *simFront) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, r)
	a := answer{method: r.Method, path: r.URL.Path, status: rec.Code, body: rec.Body.Bytes()}
	f.answers = append(f.answers, a)
	if f.onAnswer != nil {
		f.onAnswer()
	}
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	_, _ = w.Write(a.body)
}

// log returns the answers so far.
func (f *simFront) log() []answer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]answer(nil), f.answers...)
}

// applyStarts is a pre-apply plan check that marks where the plan's
// requests end and the apply's begin.
func (f *simFront) applyStarts() plancheck.PlanCheck { return applyMark{f} }

type applyMark struct{ f *simFront }

func (m applyMark) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	m.f.mu.Lock()
	defer m.f.mu.Unlock()
	m.f.applyFrom = len(m.f.answers)
}

// subscriptionActivation records when a subscription made pending became
// active: once the provider had shown, by its requests, that it waits for
// it, before the provider got the answer that showed it.
type subscriptionActivation struct {
	sub int
	// flipped is the index of the answer after which the subscription
	// became active; -1 while it has not, or when only the fallback made it
	// active.
	flipped  int
	fallback bool
}

// activateWhen sets subscription sub pending and makes it active after the
// answer for which ready (called with the answers so far, the last one
// included, under the front's lock) first reports true. If that has not
// happened within a minute, the subscription becomes active all the same,
// so that a provider that does not wait fails the test instead of hanging
// it; the checks then see fallback set.
func (f *simFront) activateWhen(sub int, ready func(f *simFront) bool) *subscriptionActivation {
	f.t.Helper()
	act := &subscriptionActivation{sub: sub, flipped: -1}
	if err := f.srv.SetSubscriptionStatus(sub, "pending"); err != nil {
		f.t.Fatal(err)
	}
	timer := time.AfterFunc(time.Minute, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if act.flipped < 0 && !act.fallback {
			act.fallback = true
			_ = f.srv.SetSubscriptionStatus(sub, "active")
		}
	})
	f.t.Cleanup(func() { timer.Stop() })
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onAnswer = func() {
		if act.flipped >= 0 || act.fallback || !ready(f) {
			return
		}
		if err := f.srv.SetSubscriptionStatus(sub, "active"); err != nil {
			f.t.Error(err)
			return
		}
		act.flipped = len(f.answers) - 1
	}
	return act
}

// pendingReadsSince counts the reads of subscription sub from answer from
// on that showed it pending. Call it under the front's lock (from ready).
func (f *simFront) pendingReadsSince(sub, from int) int {
	n := 0
	for _, a := range f.answers[max(from, 0):] {
		if a.subscriptionStatus(sub) == "pending" {
			n++
		}
	}
	return n
}

// activateWhenCreateWaits makes subscription sub pending, and active once
// the apply has read it pending twice. A Pro apply's own plan reads it
// once, an Active-Active one not at all: either way the create's wait has
// read it pending by then.
func (f *simFront) activateWhenCreateWaits(sub int) *subscriptionActivation {
	return f.activateWhen(sub, func(f *simFront) bool {
		return f.applyFrom >= 0 && f.pendingReadsSince(sub, f.applyFrom) >= 2
	})
}

// activateWhenListRefused makes subscription sub pending, and active once a
// list was refused with SUBSCRIPTION_NOT_ACTIVE and the subscription was
// then read pending: the reader waits for it before it lists again.
func (f *simFront) activateWhenListRefused(sub int) *subscriptionActivation {
	return f.activateWhen(sub, func(f *simFront) bool {
		refused := firstRefusal(f.answers)
		return refused >= 0 && f.pendingReadsSince(sub, refused+1) >= 1
	})
}

func firstRefusal(log []answer) int {
	for i, a := range log {
		if a.refusedInactive() {
			return i
		}
	}
	return -1
}

// checkListWaited checks that a list was refused while the subscription was
// pending, that the reader read the subscription before it listed again,
// and that nothing was refused once the subscription was active.
func (f *simFront) checkListWaited(act *subscriptionActivation) error {
	f.mu.Lock()
	refused := firstRefusal(f.answers)
	f.mu.Unlock()
	if refused < 0 {
		return fmt.Errorf("no list was refused with SUBSCRIPTION_NOT_ACTIVE: the wait after a refusal was not exercised:\n%s", formatAnswers(f.log()))
	}
	log, err := f.activation(act)
	if err != nil {
		return err
	}
	if late := firstRefusal(log[act.flipped+1:]); late >= 0 {
		return fmt.Errorf("answer %d refused a list after the subscription became active (after answer %d):\n%s", act.flipped+1+late, act.flipped, formatAnswers(log))
	}
	return nil
}

// activation reports the answers and where the subscription became active,
// or fails when only the fallback made it active.
func (f *simFront) activation(act *subscriptionActivation) ([]answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	log := append([]answer(nil), f.answers...)
	if act.flipped < 0 {
		return log, fmt.Errorf("subscription %d became active only by the fallback: the provider never showed that it waited for it; its requests:\n%s", act.sub, formatAnswers(log))
	}
	return log, nil
}

// checkCreateWaited checks that the create waited for the subscription:
// the subscription became active after the apply had read it pending
// twice (so the create's wait had read it pending at least once), and the
// one create POST came after a read that showed it active.
func (f *simFront) checkCreateWaited(act *subscriptionActivation) error {
	log, err := f.activation(act)
	if err != nil {
		return err
	}
	post, lastStatus := -1, ""
	for i, a := range log {
		if s := a.subscriptionStatus(act.sub); s != "" && post < 0 {
			lastStatus = s
		}
		if a.createsPeering(act.sub) {
			if post >= 0 {
				return fmt.Errorf("two create POSTs (answers %d and %d); want one, sent once the subscription was active:\n%s", post, i, formatAnswers(log))
			}
			post = i
		}
	}
	switch {
	case post < 0:
		return fmt.Errorf("no create POST:\n%s", formatAnswers(log))
	case post <= act.flipped:
		return fmt.Errorf("the create POST (answer %d) came before the subscription became active (after answer %d):\n%s", post, act.flipped, formatAnswers(log))
	case lastStatus != "active":
		return fmt.Errorf("the last read of subscription %d before the create POST showed %q, want active: the create did not wait for it:\n%s", act.sub, lastStatus, formatAnswers(log))
	}
	return nil
}

func formatAnswers(log []answer) string {
	var b strings.Builder
	for i, a := range log {
		fmt.Fprintf(&b, "  %3d %s", i, a)
		if _, status := a.subscriptionRead(); status != "" {
			fmt.Fprintf(&b, " (%s)", status)
		}
		if a.refusedInactive() {
			b.WriteString(" (SUBSCRIPTION_NOT_ACTIVE)")
		}
		b.WriteString("\n")
	}
	return b.String()
}
