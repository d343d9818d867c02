package cloudsim

import (
	"fmt"
	"slices"
	"time"
)

// Task statuses and the canonical descriptions the real API sends with them.
const (
	taskReceived   = "received"
	taskInProgress = "processing-in-progress"
	taskCompleted  = "processing-completed"
	taskError      = "processing-error"

	descReceived  = "Task request received and is being queued for processing."
	descCompleted = "Request processing completed successfully and its resources are now being provisioned / de-provisioned."
	descError     = "Task request failed during processing. See error information for failure details."
)

// taskHistory is how far back GET /tasks looks, as the real API does.
const taskHistory = 10 * 24 * time.Hour

type opKind int

const (
	opCreate opKind = iota
	opList
	opUpdate
	opDelete
)

// commandType names the task the way the real API names its commands
// (vpcPeeringGetRequest is the one captured; the others follow its pattern).
func commandType(op opKind, activeActive bool) string {
	verb := [...]string{opCreate: "Create", opList: "Get", opUpdate: "Update", opDelete: "Delete"}[op]
	if activeActive {
		return "activeActiveVpcPeering" + verb + "Request"
	}
	return "vpcPeering" + verb + "Request"
}

type task struct {
	id           string
	op           opKind
	activeActive bool // which endpoint family was called
	command      string
	subID        int
	peeringID    int    // update and delete; create, once it has created it
	body         []byte // create and update, parsed when the task runs

	submitted time.Time
	// start and end are set when the task reaches the head of the queue:
	// it starts when its predecessor ends and runs for the task latency.
	start, end time.Time

	done     bool
	status   string // final status, once done
	response *wireTaskResponse

	// stuck tasks were created under the stuckTasks fault: never run.
	stuck bool
	// refused changes were sent while another change of their
	// subscription ran (ChangeConflictTask): they fail when they complete.
	refused bool
	// hiddenPolls is how many more GET /tasks/{id} must answer 404.
	hiddenPolls int
	// hiddenUntil is when the task service learns of the task: before
	// it, GET /tasks/{id} answers 404 and GET /tasks leaves it out.
	hiddenUntil time.Time
}

// hiddenAt reports whether the task service does not know the task yet.
func (t *task) hiddenAt(now time.Time) bool { return now.Before(t.hiddenUntil) }

// submit records a new task and queues it behind every unfinished one.
func (s *Sim) submit(op opKind, activeActive bool, subID, peeringID int, body []byte) *task {
	t := &task{
		id:           s.uuid(),
		op:           op,
		activeActive: activeActive,
		command:      commandType(op, activeActive),
		subID:        subID,
		peeringID:    peeringID,
		body:         body,
		submitted:    s.now(),
		stuck:        s.faults.StuckTasks,
		hiddenPolls:  s.faults.TaskNotFoundPolls,
	}
	// The standing invisibility (config) and the fault combine: the longer
	// one applies, measured from this answer.
	if d := max(s.taskNotFoundFor, time.Duration(s.faults.TaskNotFoundFor)); d > 0 {
		t.hiddenUntil = t.submitted.Add(d)
	}
	s.tasks[t.id] = t
	s.allTasks = append(s.allTasks, t)
	if s.stats.TasksCreated++; s.stats.FirstTask.IsZero() {
		s.stats.FirstTask = t.submitted
	}
	s.stats.TasksByCommand[t.command]++
	if !t.stuck {
		if s.parallelTasks {
			// It runs from now, beside the others; it still completes in
			// the queue's order, so a latency changed meanwhile can only
			// delay it until the tasks before it end.
			t.start, t.end = t.submitted, t.submitted.Add(s.taskLatency)
		}
		s.queue = append(s.queue, t)
	}
	s.logf("task %s %s: received (subscription %d)", t.id, t.command, subID)
	return t
}

// complete runs a task's operation against the current state.
func (s *Sim) complete(t *task) {
	t.done = true
	resp, apiErr := s.execute(t)
	t.body = nil
	if apiErr != nil {
		t.status = taskError
		t.response = &wireTaskResponse{Error: apiErr.wire()}
		s.logf("task %s %s: %s %s: %s", t.id, t.command, taskError, apiErr.Type, apiErr.Description)
		return
	}
	t.status = taskCompleted
	t.response = resp
	s.logf("task %s %s: %s", t.id, t.command, taskCompleted)
}

// statusAt is what a poll sees now, and when that status began.
func (s *Sim) statusAt(t *task, now time.Time) (string, time.Time) {
	switch {
	case t.done:
		return t.status, t.end
	case t.stuck:
		return taskInProgress, t.submitted
	case (s.parallelTasks || len(s.queue) > 0 && s.queue[0] == t) && !t.start.IsZero() && !t.start.After(now):
		return taskInProgress, t.start
	default:
		return taskReceived, t.submitted
	}
}

// view renders a task for the wire. The first reply of an async call has no
// response object and links with rel "task"; polls carry the response
// (empty while the task runs) and rel "self".
func (s *Sim) view(t *task, base string, initial bool) wireTask {
	status, at := taskReceived, t.submitted
	rel := "task"
	var resp *wireTaskResponse
	if !initial {
		status, at = s.statusAt(t, s.now())
		rel = "self"
		resp = &wireTaskResponse{}
		if t.done {
			resp = t.response
		}
	}
	w := wireTask{
		TaskID:      t.id,
		CommandType: t.command,
		Status:      status,
		Timestamp:   formatTime(at),
		Response:    resp,
		Links:       []wireLink{{Rel: rel, Type: "GET", Href: base + "/tasks/" + t.id}},
	}
	switch status {
	case taskReceived:
		w.Description = descReceived
	case taskCompleted:
		w.Description = descCompleted
	case taskError:
		w.Description = descError
	}
	return w
}

// recentTasks lists the tasks of the last ten days, most recently updated
// first, as GET /tasks does; tasks the task service does not know yet
// (hiddenUntil) are left out.
func (s *Sim) recentTasks(base string) []wireTask {
	now := s.now()
	type entry struct {
		t  *task
		at time.Time
	}
	var es []entry
	for _, t := range s.allTasks {
		if t.hiddenAt(now) {
			continue
		}
		if _, at := s.statusAt(t, now); now.Sub(at) <= taskHistory {
			es = append(es, entry{t, at})
		}
	}
	slices.SortStableFunc(es, func(a, b entry) int { return b.at.Compare(a.at) })
	out := make([]wireTask, 0, len(es))
	for _, e := range es {
		out = append(out, s.view(e.t, base, false))
	}
	return out
}

// uuid makes a version-4 UUID from the seeded random source, so task IDs
// are reproducible too.
func (s *Sim) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// formatTime writes timestamps the way the API does: UTC, RFC 3339, with
// fractional seconds always present.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}
