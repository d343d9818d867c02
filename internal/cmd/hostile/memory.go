package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// sampler keeps the largest VmHWM of the provider processes Terraform
// starts (children of pid named terraform-provi…).
type sampler struct {
	parent     int
	stop, done chan struct{}
	mu         sync.Mutex
	peak       int64 // KiB, providers
	own        int64 // KiB, the Terraform process itself
	seen       map[int]bool
}

func startSampler(parent int, every time.Duration) *sampler {
	s := &sampler{parent: parent, stop: make(chan struct{}), done: make(chan struct{}), seen: map[int]bool{}}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// finish stops sampling and returns the largest VmHWM of a provider
// process, how many provider processes were seen, and the VmHWM of the
// Terraform process itself (KiB).
func (s *sampler) finish() (providers int64, n int, own int64) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, len(s.seen), s.own
}

// killProviders ends the provider processes this run started, should one
// have left Terraform's process group.
func (s *sampler) killProviders() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for pid := range s.seen {
		if comm, ppid, ok := procStat(pid); ok && ppid == s.parent && strings.HasPrefix(comm, "terraform-provi") {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func (s *sampler) sample() {
	if hwm, ok := vmHWM(s.parent); ok {
		s.mu.Lock()
		s.own = max(s.own, hwm)
		s.mu.Unlock()
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, ppid, ok := procStat(pid)
		if !ok || ppid != s.parent || !strings.HasPrefix(comm, "terraform-provi") {
			continue
		}
		hwm, ok := vmHWM(pid)
		if !ok {
			continue
		}
		s.mu.Lock()
		s.seen[pid] = true
		s.peak = max(s.peak, hwm)
		s.mu.Unlock()
	}
}

func procStat(pid int) (comm string, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	open, closing := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || closing < open {
		return "", 0, false
	}
	fields := strings.Fields(string(b[closing+1:]))
	if len(fields) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(fields[1])
	return string(b[open+1 : closing]), ppid, err == nil
}

// vmHWM reads a process's peak resident set size in KiB.
func vmHWM(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				return 0, false
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb, err == nil
		}
	}
	return 0, false
}
