package main

import (
	"testing"
	"time"
)

func TestGridFloor(t *testing.T) {
	s := time.Second
	ms := time.Millisecond
	for _, tc := range []struct {
		name                     string
		task, window, transition time.Duration
		parallel                 bool
		n                        int
		want                     time.Duration
	}{
		// In parallel: the create task, the transition, and what the
		// window adds to the list read after it.
		{"parallel, window shorter than a task", 2 * s, 1 * s, 5 * s, true, 3, 7 * s},
		{"parallel, window longer than a task", 2 * s, 3 * s, 5 * s, true, 3, 8 * s},
		{"parallel, n does not matter", 500 * ms, 0, 30 * s, true, 10, 30*s + 500*ms},
		// One create on a serial API is the realistic profile's R1: 2 s
		// task, 20 s transition, 3 s window: 23 s.
		{"serial, one create (R1)", 2 * s, 3 * s, 20 * s, false, 1, 23 * s},
		// Three serial creates of 0.5 s end at 1.5 s; the third peering
		// settles at 4.5 s, its list sent at 4 s is read at 4.5 s.
		{"serial, short tasks", 500 * ms, 0, 3 * s, false, 3, 4*s + 500*ms},
		// The first list must end after 3.5 s, so it is sent at 3 s and
		// read at 8 s; the others queue behind it.
		{"serial, short tasks, long window", 500 * ms, 5 * s, 3 * s, false, 3, 8 * s},
		// Tasks of 3 s: the creates hold the queue until 9 s, and the
		// lists, held back behind them, end at 12, 15 and 18 s.
		{"serial, lists held by the queue", 3 * s, 5 * s, 3 * s, false, 3, 18 * s},
		// The first list, sent at 30 s, is read at 35 s; the second and
		// third queue behind it and end at 36 and 39 s.
		{"serial, long transition", 3 * s, 5 * s, 30 * s, false, 3, 39 * s},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := gridFloor(tc.task, tc.window, tc.transition, tc.parallel, tc.n); got != tc.want {
				t.Errorf("gridFloor = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestGridCellsSpanTheRanges(t *testing.T) {
	cells := gridCells()
	if len(cells) != 18 {
		t.Fatalf("%d cells, want 16 corners, a middle and an example", len(cells))
	}
	seen := map[gridCell]bool{}
	for _, c := range cells {
		c.note = ""
		if seen[c] {
			t.Errorf("cell %+v twice", c)
		}
		seen[c] = true
	}
	for _, tr := range gridTransitions {
		for _, w := range gridWindows {
			for _, task := range gridTasks {
				for _, par := range []bool{true, false} {
					if !seen[gridCell{task: task, parallel: par, window: w, transition: tr}] {
						t.Errorf("corner task %s parallel %v window %s transition %s missing", task, par, w, tr)
					}
				}
			}
		}
	}
}
