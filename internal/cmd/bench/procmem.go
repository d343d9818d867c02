package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Peak memory of the provider.
//
// Terraform starts the provider itself, as a child process, once or several
// times per command (schema, plan, apply). A sampler walks /proc every few
// milliseconds, finds the children of the Terraform process that run the
// provider binary, and keeps the largest VmHWM (the kernel's high-water mark
// of resident memory) seen for any of them. VmHWM only grows over a
// process's life, so a sample taken shortly before it exits is its peak;
// what grows in the last few milliseconds of a process can be missed.

const providerComm = "terraform-provi" // the 15-character comm of terraform-provider-rediscloud

type memSampler struct {
	parent int
	stop   chan struct{}
	done   chan struct{}

	mu   sync.Mutex
	peak int64 // bytes
	seen map[int]bool
}

func startMemSampler(parent int, every time.Duration) *memSampler {
	m := &memSampler{parent: parent, stop: make(chan struct{}), done: make(chan struct{}), seen: map[int]bool{}}
	go func() {
		defer close(m.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// finish stops sampling and returns the peak in bytes (0 if no provider
// process was ever seen) and how many provider processes were seen.
func (m *memSampler) finish() (int64, int) {
	close(m.stop)
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.peak, len(m.seen)
}

func (m *memSampler) sample() {
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
		if !ok || ppid != m.parent || comm != providerComm {
			continue
		}
		hwm, ok := vmHWM(pid)
		if !ok {
			continue
		}
		m.mu.Lock()
		m.seen[pid] = true
		m.peak = max(m.peak, hwm)
		m.mu.Unlock()
	}
}

// procStat reads the command name and parent of a process.
func procStat(pid int) (comm string, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid ...; comm may contain spaces and parentheses.
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

// vmHWM reads a process's peak resident set size in bytes.
func vmHWM(pid int) (int64, bool) {
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
