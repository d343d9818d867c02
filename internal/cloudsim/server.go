package cloudsim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Server is a simulator listening on a TCP address. It embeds the Sim, so
// tests can call the Sim's control methods (AcceptPeering, Peerings, Stats,
// SetFaults, ...) on it directly. Where both declare a method, Server's
// wins: Server.Close also stops the listener.
type Server struct {
	*simulator
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

// simulator is Sim under the name Server embeds it by. Embedded as *Sim, the
// field would be named Sim and clash with the Sim method; this name is
// unexported, so other packages cannot swap the simulator out either.
type simulator = Sim

// Start serves a new simulator on a free loopback port.
func Start(opts Options) (*Server, error) {
	return StartOn("127.0.0.1:0", opts)
}

// StartOn serves a new simulator on addr. It does not restrict the address:
// the standalone command refuses non-loopback ones unless told otherwise.
func StartOn(addr string, opts Options) (*Server, error) {
	sim, err := newSim(opts, time.Now, false)
	if err != nil {
		return nil, err
	}
	return serve(addr, sim)
}

// serve listens on addr and serves sim until Close; on failure it closes
// sim.
func serve(addr string, sim *Sim) (*Server, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		sim.Close()
		return nil, err
	}
	s := &Server{
		simulator: sim,
		ln:        ln,
		srv:       &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second},
		done:      make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			sim.logf("serve: %v", err)
		}
	}()
	return s, nil
}

// URL is the API base URL, e.g. http://127.0.0.1:PORT/v1.
func (s *Server) URL() string { return s.Addr() + "/v1" }

// Addr is the server root, where the /__sim control endpoints live, e.g.
// http://127.0.0.1:PORT.
func (s *Server) Addr() string { return "http://" + s.ln.Addr().String() }

// Sim returns the simulator behind the server.
func (s *Server) Sim() *Sim { return s.simulator }

// Close stops listening, closes open connections and stops the simulator's
// timer. It shadows the embedded Sim.Close, which only stops the timer.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	s.simulator.Close()
	return err
}
