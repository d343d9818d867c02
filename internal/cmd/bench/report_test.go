package main

import (
	"strings"
	"testing"
)

// Every row with a check says what it must meet and why, and the goals
// table shows each reason once.
func TestGoalsHaveReasons(t *testing.T) {
	all := scenarios()
	for _, sc := range all {
		if sc.check != nil && (sc.goal == "" || sc.why == "") {
			t.Errorf("scenario %s has a check but its goal %q or reason %q is empty", sc.id, sc.goal, sc.why)
		}
	}
	table := renderGoals(all)
	for _, sc := range all {
		if sc.why != "" && strings.Count(table, sc.why) != 1 {
			t.Errorf("the reason of scenario %s appears %d times in the goals table, want once", sc.id, strings.Count(table, sc.why))
		}
	}
	if !strings.Contains(table, "| R2t | "+realisticCreates("R2t", 10, realisticTask, "", realisticFloorTask).goal+" | As R2. |") {
		t.Errorf("R2t should refer to R2's reason:\n%s", table)
	}
}
