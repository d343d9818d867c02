// Package procmem measures the peak memory of processes from /proc (Linux),
// for the benchmark and the hostile-server measurements: the provider runs
// as a child of Terraform, started once or several times per command.
package procmem

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ProviderComm is the 15-character command name the kernel keeps for
// terraform-provider-rediscloud.
const ProviderComm = "terraform-provi"

// Sampler walks /proc at an interval for the children of a process that run
// the provider, and keeps the largest VmHWM (the kernel's high-water mark of
// resident memory) seen for any of them, and for the parent itself. VmHWM
// only grows over a process's life, so a sample taken shortly before it
// exits is its peak; growth in its last few milliseconds can be missed.
type Sampler struct {
	parent     int
	stop, done chan struct{}

	mu   sync.Mutex
	peak int64 // bytes, providers
	own  int64 // bytes, the parent
	seen map[int]bool
	cpu  map[int]time.Duration // each provider's CPU time, as last sampled
}

// Start samples the children of parent every interval until Finish.
func Start(parent int, every time.Duration) *Sampler {
	s := &Sampler{parent: parent, stop: make(chan struct{}), done: make(chan struct{}), seen: map[int]bool{}, cpu: map[int]time.Duration{}}
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

// Finish stops sampling and returns the largest VmHWM of a provider process
// in bytes (0 if none was seen), how many provider processes were seen, and
// the parent's own VmHWM in bytes.
func (s *Sampler) Finish() (providers int64, n int, parent int64) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, len(s.seen), s.own
}

// ProviderCPU is the CPU time, user and system, of the provider processes
// seen, as last sampled: what a process spent in its last interval is
// missed.
func (s *Sampler) ProviderCPU() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var total time.Duration
	for _, d := range s.cpu {
		total += d
	}
	return total
}

// KillProviders ends the provider processes seen that are still children
// of the parent, should one have left its process group.
func (s *Sampler) KillProviders() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for pid := range s.seen {
		if comm, ppid, ok := Stat(pid); ok && ppid == s.parent && comm == ProviderComm {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func (s *Sampler) sample() {
	if hwm, ok := PeakRSS(s.parent); ok {
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
		st, ok := stat(pid)
		if !ok || st.ppid != s.parent || st.comm != ProviderComm {
			continue
		}
		hwm, ok := PeakRSS(pid)
		if !ok {
			continue
		}
		s.mu.Lock()
		s.seen[pid] = true
		s.peak = max(s.peak, hwm)
		s.cpu[pid] = st.cpu
		s.mu.Unlock()
	}
}

// Stat reads the command name and parent of a process.
func Stat(pid int) (comm string, ppid int, ok bool) {
	st, ok := stat(pid)
	return st.comm, st.ppid, ok
}

type procStat struct {
	comm string
	ppid int
	cpu  time.Duration
}

// clockTick is the unit of /proc/PID/stat's times (USER_HZ): 100 on Linux.
const clockTick = 10 * time.Millisecond

func stat(pid int) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	// pid (comm) state ppid ... utime stime ... (fields 14 and 15); comm may
	// contain spaces and parentheses.
	open, closing := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || closing < open {
		return procStat{}, false
	}
	fields := strings.Fields(string(b[closing+1:]))
	if len(fields) < 13 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(fields[1])
	utime, err2 := strconv.ParseInt(fields[11], 10, 64)
	stime, err3 := strconv.ParseInt(fields[12], 10, 64)
	st := procStat{comm: string(b[open+1 : closing]), ppid: ppid, cpu: time.Duration(utime+stime) * clockTick}
	return st, err1 == nil && err2 == nil && err3 == nil
}

// PeakRSS reads a process's peak resident set size (VmHWM) in bytes.
func PeakRSS(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest) // "12345 kB"
			if len(f) == 0 {
				return 0, false
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}
