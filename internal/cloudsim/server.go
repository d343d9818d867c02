package cloudsim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Server is a simulator listening on a TCP address. It forwards the Sim's
// control methods, so tests can drive it directly.
type Server struct {
	sim  *Sim
	ln   net.Listener
	srv  *http.Server
	done chan struct{}
}

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
		sim:  sim,
		ln:   ln,
		srv:  &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second},
		done: make(chan struct{}),
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
func (s *Server) Sim() *Sim { return s.sim }

// Close stops listening, closes open connections and stops the simulator's
// timer.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	s.sim.Close()
	return err
}

// AcceptPeering forwards to Sim.AcceptPeering.
func (s *Server) AcceptPeering(id int) error { return s.sim.AcceptPeering(id) }

// SetPeeringStatus forwards to Sim.SetPeeringStatus.
func (s *Server) SetPeeringStatus(id int, status string) error {
	return s.sim.SetPeeringStatus(id, status)
}

// DeletePeering forwards to Sim.DeletePeering.
func (s *Server) DeletePeering(id int) error { return s.sim.DeletePeering(id) }

// SetSubscriptionStatus forwards to Sim.SetSubscriptionStatus.
func (s *Server) SetSubscriptionStatus(id int, status string) error {
	return s.sim.SetSubscriptionStatus(id, status)
}

// SetFaults forwards to Sim.SetFaults.
func (s *Server) SetFaults(f Faults) { s.sim.SetFaults(f) }

// SetTaskLatency forwards to Sim.SetTaskLatency.
func (s *Server) SetTaskLatency(d time.Duration) { s.sim.SetTaskLatency(d) }

// SetTransitionLatency forwards to Sim.SetTransitionLatency.
func (s *Server) SetTransitionLatency(d time.Duration) { s.sim.SetTransitionLatency(d) }

// SetRateLimit forwards to Sim.SetRateLimit.
func (s *Server) SetRateLimit(n int) { s.sim.SetRateLimit(n) }

// ApplyProfile forwards to Sim.ApplyProfile.
func (s *Server) ApplyProfile(name string) error { return s.sim.ApplyProfile(name) }

// Peerings forwards to Sim.Peerings.
func (s *Server) Peerings() []PeeringInfo { return s.sim.Peerings() }

// Peering forwards to Sim.Peering.
func (s *Server) Peering(id int) (PeeringInfo, error) { return s.sim.Peering(id) }

// DeploymentCIDRs forwards to Sim.DeploymentCIDRs.
func (s *Server) DeploymentCIDRs(sub int) (map[string]string, error) {
	return s.sim.DeploymentCIDRs(sub)
}

// AddPeering forwards to Sim.AddPeering.
func (s *Server) AddPeering(p PeeringInfo) (int, error) { return s.sim.AddPeering(p) }

// Stats forwards to Sim.Stats.
func (s *Server) Stats() Stats { return s.sim.Stats() }

// ResetStats forwards to Sim.ResetStats.
func (s *Server) ResetStats() { s.sim.ResetStats() }

// Faults forwards to Sim.Faults.
func (s *Server) Faults() Faults { return s.sim.Faults() }

// Config forwards to Sim.Config.
func (s *Server) Config() Config { return s.sim.Config() }
