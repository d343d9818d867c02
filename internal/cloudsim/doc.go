// Package cloudsim simulates the VPC-peering surface of the Redis Cloud REST
// API (v1), so that clients, Terraform configurations and benchmarks can run
// offline. Fidelity is the point: a client written against the real API
// should work against the simulator unchanged, quirks included. The package
// deliberately shares no code or types with any API client.
//
// # What it serves
//
// Under /v1, authenticated by the x-api-key and x-api-secret-key headers
// (default sim-access-key / sim-secret-key; anything else is a 401):
//
//	GET    /subscriptions                               synchronous, 200
//	GET    /subscriptions/{id}                          synchronous, 200
//	GET    /subscriptions/{id}/regions                  synchronous, 200
//	POST   /subscriptions/{id}/peerings                 task, 202
//	GET    /subscriptions/{id}/peerings                 task, 202
//	PUT    /subscriptions/{id}/peerings/{peeringId}     task, 202
//	DELETE /subscriptions/{id}/peerings/{peeringId}     task, 202
//	POST   /subscriptions/{id}/regions/peerings         task, 200
//	GET    /subscriptions/{id}/regions/peerings         task, 200
//	PUT    /subscriptions/{id}/regions/peerings/{peeringId}    task, 200
//	DELETE /subscriptions/{id}/regions/peerings/{peeringId}    task, 200
//	GET    /tasks/{taskId}
//	GET    /tasks                                       {"tasks":[...]} (or a bare array)
//
// GET /subscriptions answers {"accountId": 40000 (AccountID), "subscriptions":
// [...]}: every subscription, ordered by ID, each exactly as
// GET /subscriptions/{id} returns it (reference 5.7).
//
// Every path also answers with a trailing slash. IDs that are not 32-bit
// integers get a 400; an unknown subscription gets a synchronous 404; both
// carry a Spring Boot style JSON body, like every other synchronous error.
//
// # Tasks
//
// Every peering call, the list included, answers at once with a task in
// status "received" and a link {"rel":"task","type":"GET","href":".../v1/tasks/<id>"}.
// Tasks of the account run one at a time in submission order (or, with
// Options.ParallelTasks, -parallel-tasks, "parallelTasks" in /__sim/config,
// each from the answer that named it, beside the others), each for the
// task latency: received, then processing-in-progress, then
// processing-completed or processing-error. Effects happen when a task
// completes, against the state of that moment: a create inserts the peering
// (response.resourceId is its ID, additionalResourceId the subscription's),
// a list snapshots the peerings into response.resource, an update replaces
// the CIDRs (after the CIDR latency, when one is set: until then lists show
// the old ones), a delete removes the peering. Every validation except the path
// is done inside the task, which then fails with response.error =
// {type, status, description} using the API's error types, e.g.
// SUBSCRIPTION_NOT_ACTIVE (403 FORBIDDEN), VPC_PEERING_CIDR_OVERLAP,
// VPC_PEERING_INVALID_CIDR, VPC_PEERING_CIDR_IS_MISSING,
// VPC_PEERING_TOO_MANY_CIDR_SPECIFICATIONS, VPC_PEERING_INVALID_REGION,
// VPC_PEERING_INVALID_ACCOUNT, VPC_PEERING_INVALID_VPC,
// VPC_PEERING_INVALID_PROJECT, VPC_PEERING_IS_NOT_KNOWN_CLOUD_PROVIDER,
// VPC_PEERING_BELONGS_TO_DIFFERENT_CLOUD_PROVIDER, BAD_REQUEST (400),
// VPC_PEERING_ALREADY_EXIST (409 CONFLICT), VPC_PEERING_NOT_FOUND and
// ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND (404), VPC_PEERING_NOT_ACTIVE (403
// FORBIDDEN: an update, Pro or Active-Active, of a peering still
// initiating-request when the task completes), the ACTIVE_ACTIVE_VPC_PEERING_*
// checks,
// DELETING_AN_ACTIVE_ACTIVE_VPC_PEERING_IS_NOT_ALLOWED_FOR_A_SUBSCRIPTION_WITH_NO_VPC_PEERINGS
// (400: a delete on an Active-Active subscription that has no peering at
// all, where one with peerings answers ACTIVE_ACTIVE_VPC_PEERING_NOT_FOUND),
// and the Pro/Active-Active cross-type guards such as
// CREATING_A_SINGLE_REGION_VPC_PEERING_IS_NOT_ALLOWED_WITH_ACTIVE_ACTIVE_SUBSCRIPTION.
// Every peering operation, the list included, fails with
// SUBSCRIPTION_NOT_ACTIVE while the subscription is not "active".
//
// Right after it is named, a task may be unknown to the task service, as on
// the real API: with a task-not-found window D (Options.TaskNotFoundFor,
// -task-not-found-for, "taskNotFoundFor" in /__sim/config, or the fault of
// the same name; the longer applies), GET /tasks/{id} answers 404 with an
// empty body and GET /tasks leaves the task out until D after the answer
// that named it. The deadline is fixed when the task is submitted, and the
// task runs on schedule meanwhile: only the task service's view is late.
// These 404s count as injected faults in the stats.
//
// State moves with the clock, not with polling: whatever looks at the
// simulator first catches it up, and a timer makes effects happen even when
// nobody looks.
//
// # One change per subscription at a time
//
// The API runs one change of a subscription at a time (reference 3.4).
// With change conflicts on (Options.ChangeConflict, -change-conflict,
// "changeConflict" in /__sim/config; the realistic profile has "429"), a
// change (POST, PUT or DELETE of a peering) runs from the answer that
// accepted it until the API has carried it out: its task ends and, if it
// completed, a created peering has left initiating-request (the
// provisioning that goes on after processing-completed, reference 2.2) or
// updated CIDRs have taken effect. A failed change ends with its task, a
// forced status or an out-of-band delete ends a create's, held transitions
// (holdTransitions) prolong it, and a stuck task never takes the
// subscription. A change sent to the subscription meanwhile meets one of:
//
//	429   HTTP 429 with a Spring body, before any task exists: the API's
//	      documented answer to concurrent changes, "re-submit after the
//	      changes complete" (reference 8); Retry-After, unless
//	      omitRetryAfter, is the time until the running change is over.
//	task  a task that fails with SUBSCRIPTION_NOT_ACTIVE (403 FORBIDDEN)
//	      when it completes, while GET /subscriptions/{id} (and
//	      GET /subscriptions) shows the subscription "pending"; a list
//	      completing while the change runs fails the same way, as every
//	      operation on a subscription that is not active does.
//	off   nothing: changes overlap (the instant profile).
//
// Lists and reads are never refused with 429, and other subscriptions are
// not affected. The stats count changesRefused and listsRefused.
//
// # Peering lifecycle
//
// AWS: initiating-request, then after the transition latency
// pending-acceptance with awsPeeringUid "pcx-" + 17 hex digits, then active
// once accepted through the control endpoint. GCP: initiating-request, then
// inactive with redisProjectUid, redisNetworkName and cloudPeeringId filled
// in, then active once accepted. A forced status (failed, or anything else)
// sticks until changed again.
//
// Lists follow the wire format exactly: Pro lists use vpcPeeringId,
// regionName, vpcUid, projectUid and networkName; Active-Active lists group
// peerings by Redis region ({subscriptionId, regions:[{id, region,
// vpcPeerings:[{id, regionId, regionName (the destination), vpcProjectUid,
// vpcNetworkName, ...}]}]}). One CIDR reads back as vpcCidr only; several
// as vpcCidrs [{"vpcCidr":..., "status":"active"}, ...] with vpcCidr set to
// the first. Empty fields are omitted.
//
// # In Go tests
//
//	srv, err := cloudsim.Start(cloudsim.Options{TaskLatency: 10 * time.Millisecond})
//	if err != nil { t.Fatal(err) }
//	defer srv.Close()
//	// point the client at srv.URL() with keys cloudsim.DefaultAPIKey / DefaultSecretKey
//	srv.AcceptPeering(500)
//
// New returns the simulator as an http.Handler for httptest; call its Close
// when done.
//
// # Standalone
//
//	go run ./internal/cmd/rediscloud-sim [flags]
//
// prints the API base URL as its first line of stdout, then api_key=... and
// secret_key=... lines, logs to stderr, and stops cleanly on SIGINT or
// SIGTERM. Flags:
//
//	-listen ADDR              default 127.0.0.1:0 (a free port); loopback only unless -allow-remote
//	-allow-remote             permit a non-loopback -listen address
//	-profile NAME             instant (default) or realistic: defaults of the next eight flags
//	-task-latency D           time each task runs (e.g. 500ms); default 0
//	-transition-latency D     time a new peering stays initiating-request; default 0
//	-task-not-found-for D     time a new task answers 404 after the answer naming it; default 0
//	-cidr-apply-latency D     time after its update task before new CIDRs show in lists; default 0
//	-rate-limit N             requests per sliding minute per API key; default 400, 0 = off
//	-count-refused            refused requests count in the rate limit's window too
//	-omit-retry-after         send every 429 without Retry-After
//	-change-conflict MODE     off (default), 429 or task: see "One change per subscription at a time"
//	-seed FILE                JSON file replacing the default subscriptions (format below)
//	-faults JSON              faults to inject from the start (format below)
//	-api-key, -secret-key     accepted credentials
//	-rand-seed N              seed of every random choice (IDs, faults)
//	-tasks-bare-array         GET /tasks answers a bare JSON array
//	-quiet                    do not log each request
//
// The eight flags after -profile override the profile's values when given,
// zeros included (-profile realistic -rate-limit 0 turns the limit off).
// To point Terraform at it, set the provider's API URL to the printed base
// URL and its keys to the printed ones.
//
// # Profiles
//
// A profile sets eight values at once: -profile, Options.Profile (filling
// the fields left at zero), PUT /__sim/config {"profile":...} (the other
// fields of the same body override it) or Sim.ApplyProfile.
// ProfileConfig, InstantProfile, RealisticProfile and the Realistic*
// constants give the values to Go code.
//
// instant (the default): task latency 0, transition latency 0, tasks
// visible at once, CIDRs in effect at once, rate limit 400 a minute
// counting accepted requests only, the rate limit's 429s carry
// Retry-After, changes of a subscription may overlap. As fast as the
// simulator goes.
//
// realistic: meant to be slower than the real API at its fastest, so that
// a client's waits, polls and retries really run. Its values and where
// they come from:
//
//	task latency 2s         an assumption. Tasks of an account run one at a time
//	                        (reference 2.2), so N queued tasks take 2N s. No source
//	                        times a peering task; the official provider's fixed waits
//	                        (10 s before its first status poll, 30 s for Active-Active)
//	                        suggest real tasks take seconds, so 2 s is well within them.
//	task not found for 3s   follows the reference: right after a task is named,
//	                        GET /tasks/{id} may answer 404 (2.2); the SDK tolerates
//	                        about 31 s of them, so 3 s is a modest window.
//	transition latency 20s  an assumption, chosen the same way as the task latency:
//	                        no source times initiating-request to pending-acceptance
//	                        (AWS) or inactive (GCP).
//	CIDR latency 10s        an assumption: a completed task means processing is over,
//	                        not that its effect is (reference 2.2); lists show an
//	                        update's old CIDRs for 10 s after its task completed.
//	rate limit 400/min      documented (reference 8), counting refused requests too, as
//	                        a strict server counts every request it receives.
//	429 without Retry-After follows the reference: no source mentions the header (8).
//	                        Applies to the rate limit's, the change conflicts' and
//	                        injected 429s.
//	change conflicts 429    one change per subscription at a time (reference 3.4), a
//	                        change sent meanwhile refused with the documented 429
//	                        (reference 8); "task" is the other form the reference allows.
//
// tasksBareArray is not part of a profile.
//
// # Control endpoints
//
// Outside /v1, without auth, answering loopback clients only:
//
//	POST   /__sim/peerings                   add a peering that already exists, as one made in the
//	                                         console is (a PeeringInfo; see AddPeering for defaults)
//	POST   /__sim/peerings/{id}/accept       accept (AWS pcx accepter / GCP reciprocal peering)
//	PUT    /__sim/peerings/{id}              {"status":"failed"} forces any status
//	DELETE /__sim/peerings/{id}              delete out of band, at once
//	GET    /__sim/peerings                   every peering (see PeeringInfo)
//	PUT    /__sim/subscriptions/{id}         {"status":"pending"}; "deleted" removes it
//	GET    /__sim/faults                     the faults in force
//	PUT    /__sim/faults                     replace all faults
//	GET    /__sim/config                     the run-time configuration
//	PUT    /__sim/config                     {"profile":"realistic","taskLatency":"1s","transitionLatency":"3s",
//	                                         "taskNotFoundFor":"3s","cidrApplyLatency":"10s","rateLimit":400,
//	                                         "countRefused":true,"omitRetryAfter":true,"changeConflict":"task",
//	                                         "tasksBareArray":false,"rateWindow":"6s"}, any subset; the profile
//	                                         goes first. rateWindow (default a minute, which a profile
//	                                         restores) is the window the rate limit counts in: a trial
//	                                         that scales the latencies down scales it with them
//	GET    /__sim/stats                      request, task and peering counters (see Stats)
//	DELETE /__sim/stats                      reset the counters
//
// For example, to accept the first peering and watch it turn active:
//
//	curl -X POST http://127.0.0.1:PORT/__sim/peerings/500/accept
//
// # Faults
//
// The faults JSON (PUT /__sim/faults, -faults) takes exactly these keys;
// unknown keys are refused:
//
//	{"error5xxRate":0.2,        random 500/502/503 with an empty, HTML or JSON body
//	 "error429Rate":0.1,        429, with or without Retry-After: 1 (never with omitRetryAfter)
//	 "taskNotFoundPolls":3,     first N polls of each new task answer 404
//	 "taskNotFoundFor":"3s",    each new task answers 404 until 3s after the answer naming it
//	 "dropConnectionRate":0.05, close the connection before processing
//	 "dropAfterRate":0.05,      POST/PUT/DELETE: process, then close without answering
//	 "latency":"20ms",          added to every /v1 response
//	 "stuckTasks":false,        tasks created while set never finish
//	 "holdTransitions":false}   peerings stay initiating-request while set
//
// The rate limit answers 429 with X-Rate-Limit-Remaining: 0 and a
// Retry-After of the seconds until a request slot frees (none with
// omitRetryAfter); every other /v1 response carries X-Rate-Limit-Remaining
// while a limit is set. With countRefused the refused requests take their
// place in the window too, so a client that keeps sending while refused
// stays refused longer.
//
// # Seed format
//
// The default account has four active subscriptions: 1001 (Pro, AWS,
// us-east-1, deployment CIDR 10.0.0.0/24), 1002 (Pro, GCP, us-central1,
// 10.1.0.0/24), 2001 (Active-Active, AWS, us-east-1 10.10.0.0/24 and
// eu-west-1 10.11.0.0/24) and 2002 (Active-Active, GCP, us-central1
// 10.20.0.0/24 and europe-west1 10.21.0.0/24). Peering IDs start at 500. A
// seed file replaces the subscriptions:
//
//	{"subscriptions": [
//	  {"id": 1001,                       required, unique
//	   "name": "my-sub",                 default "sim-<id>"
//	   "status": "active",               default "active"
//	   "deploymentType": "single-region",  or "active-active"; default single-region
//	   "provider": "AWS",                or "GCP"; default AWS
//	   "regions": [                      exactly one for single-region
//	     {"region": "us-east-1",         required
//	      "deploymentCIDR": "10.0.0.0/24",  required; consumer CIDRs may not overlap it
//	      "id": 1,                       region ID; default its position, from 1
//	      "vpcId": "vpc-...",            Redis VPC (AWS) or network (GCP); generated by default
//	      "redisProjectUid": "..."}]}]}  GCP only; generated by default
package cloudsim
