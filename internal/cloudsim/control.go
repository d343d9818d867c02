package cloudsim

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// serveControl serves /__sim: no auth, but loopback clients only, since it
// can rewrite the account's state.
func (s *Sim) serveControl(w http.ResponseWriter, r *http.Request) {
	if !isLoopbackRemote(r.RemoteAddr) {
		writeControlError(w, http.StatusForbidden, errors.New("control endpoints answer loopback clients only"))
		return
	}
	s.control.ServeHTTP(w, r)
}

// isLoopbackRemote accepts loopback addresses and anything that is not an
// IP address at all (in-memory listeners and pipes).
func isLoopbackRemote(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip == nil || ip.IsLoopback()
}

func (s *Sim) controlMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /__sim/peerings/{id}/accept", s.withPeeringID(func(w http.ResponseWriter, _ *http.Request, id int) {
		s.answerPeering(w, id, s.AcceptPeering(id))
	}))
	mux.HandleFunc("PUT /__sim/peerings/{id}", s.withPeeringID(func(w http.ResponseWriter, r *http.Request, id int) {
		var body struct {
			Status string `json:"status"`
		}
		if !readControlJSON(w, r, &body) {
			return
		}
		s.answerPeering(w, id, s.SetPeeringStatus(id, body.Status))
	}))
	mux.HandleFunc("DELETE /__sim/peerings/{id}", s.withPeeringID(func(w http.ResponseWriter, _ *http.Request, id int) {
		if err := s.DeletePeering(id); err != nil {
			writeControlError(w, errorCode(err), err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("POST /__sim/peerings", func(w http.ResponseWriter, r *http.Request) {
		var in PeeringInfo
		if !readControlJSON(w, r, &in) {
			return
		}
		id, err := s.AddPeering(in)
		if err != nil {
			writeControlError(w, errorCode(err), err)
			return
		}
		s.answerPeering(w, id, nil)
	})
	mux.HandleFunc("GET /__sim/peerings", func(w http.ResponseWriter, _ *http.Request) {
		writeControlJSON(w, http.StatusOK, s.Peerings())
	})
	mux.HandleFunc("PUT /__sim/subscriptions/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			writeControlError(w, http.StatusBadRequest, errors.New("subscription id must be an integer"))
			return
		}
		var body struct {
			Status string `json:"status"`
		}
		if !readControlJSON(w, r, &body) {
			return
		}
		if err := s.SetSubscriptionStatus(id, body.Status); err != nil {
			writeControlError(w, errorCode(err), err)
			return
		}
		writeControlJSON(w, http.StatusOK, map[string]any{"id": id, "status": body.Status})
	})
	mux.HandleFunc("GET /__sim/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeControlJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("PUT /__sim/faults", func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		f, err := ParseFaults(data)
		if err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		s.SetFaults(f)
		writeControlJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("GET /__sim/config", func(w http.ResponseWriter, _ *http.Request) {
		writeControlJSON(w, http.StatusOK, s.Config())
	})
	mux.HandleFunc("PUT /__sim/config", func(w http.ResponseWriter, r *http.Request) {
		var p configPatch
		if !readControlJSON(w, r, &p) {
			return
		}
		if err := p.validate(); err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		writeControlJSON(w, http.StatusOK, s.applyConfig(p))
	})
	mux.HandleFunc("GET /__sim/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeControlJSON(w, http.StatusOK, s.Stats())
	})
	mux.HandleFunc("DELETE /__sim/stats", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// applyConfig changes the given settings at once and returns the result. A
// profile goes first, so the other fields of the same patch override it.
// The patch must have been validated.
func (s *Sim) applyConfig(p configPatch) Config {
	s.lock()
	defer s.mu.Unlock()
	if p.Profile != nil {
		if prof, err := ProfileConfig(*p.Profile); err == nil {
			s.applyProfileLocked(prof)
		}
	}
	if p.TaskLatency != nil {
		s.taskLatency = max(0, time.Duration(*p.TaskLatency))
	}
	if p.ParallelTasks != nil {
		s.parallelTasks = *p.ParallelTasks
	}
	if p.TransitionLatency != nil {
		s.transitionLatency = max(0, time.Duration(*p.TransitionLatency))
	}
	if p.TaskNotFoundFor != nil {
		s.taskNotFoundFor = max(0, time.Duration(*p.TaskNotFoundFor))
	}
	if p.CIDRApplyLatency != nil {
		s.cidrApplyLatency = max(0, time.Duration(*p.CIDRApplyLatency))
	}
	if p.RateLimit != nil {
		s.rateLimit = max(0, *p.RateLimit)
	}
	if p.RateWindow != nil {
		s.rateWindow = max(0, time.Duration(*p.RateWindow))
	}
	if p.CountRefused != nil {
		s.countRefused = *p.CountRefused
	}
	if p.OmitRetryAfter != nil {
		s.omitRetryAfter = *p.OmitRetryAfter
	}
	if p.ChangeConflict != nil {
		s.changeConflict = *p.ChangeConflict
	}
	if p.TasksBareArray != nil {
		s.tasksBareArray = *p.TasksBareArray
	}
	s.advance()
	return s.configLocked()
}

func (s *Sim) withPeeringID(h func(http.ResponseWriter, *http.Request, int)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			writeControlError(w, http.StatusBadRequest, errors.New("peering id must be an integer"))
			return
		}
		h(w, r, id)
	}
}

func (s *Sim) answerPeering(w http.ResponseWriter, id int, err error) {
	if err != nil {
		writeControlError(w, errorCode(err), err)
		return
	}
	p, err := s.Peering(id)
	if err != nil {
		writeControlError(w, errorCode(err), err)
		return
	}
	writeControlJSON(w, http.StatusOK, p)
}

func errorCode(err error) int {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	default:
		return http.StatusBadRequest
	}
}

// readControlJSON decodes a control body strictly, so a misspelt key is an
// error rather than a silent no-op.
func readControlJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil {
		err = decodeStrict(data, v)
	}
	if err != nil {
		writeControlError(w, http.StatusBadRequest, err)
		return false
	}
	return true
}

func writeControlJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeControlError(w http.ResponseWriter, code int, err error) {
	writeControlJSON(w, code, map[string]string{"error": err.Error()})
}
