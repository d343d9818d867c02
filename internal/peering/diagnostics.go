package peering

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/rediscloud"
	"github.com/rediscloud-community/terraform-provider-rediscloud/internal/tfvalues"
)

// defaultReadTimeout bounds any read the timeouts block does not.
const defaultReadTimeout = 10 * time.Minute

// phase is one of the operations: its verb in diagnostics, and the timeouts
// block attribute that bounds it as a whole, with its default. Only two
// waits within have limits of their own, in the client: the lookup of an
// interrupted create's peering, which outlives the operation, and the time
// an update's CIDRs may take to show.
type phase struct {
	verb, timeoutName string
	byDefault         time.Duration
	fromBlock         func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics) // a resource's
}

var (
	creating = phase{"Creating", "create", 30 * time.Minute, timeouts.Value.Create}
	reading  = phase{"Reading", "read", defaultReadTimeout, timeouts.Value.Read}
	updating = phase{"Updating", "update", 30 * time.Minute, timeouts.Value.Update}
	deleting = phase{"Deleting", "delete", 30 * time.Minute, timeouts.Value.Delete}
	planning = phase{"Planning", "read", defaultReadTimeout, timeouts.Value.Read}
	listing  = phase{verb: "Listing"} // a query, bounded by Terraform alone
)

// timeout is ph's timeout in the timeouts block of m, a resource's or a
// data source's values.
func (ph phase) timeout(ctx context.Context, m values) (time.Duration, diag.Diagnostics) {
	if t, ok := m["timeouts"].(dstimeouts.Value); ok {
		return t.Read(ctx, ph.byDefault)
	}
	return ph.fromBlock(tfvalues.Get[timeouts.Value](m, "timeouts"), ctx, ph.byDefault)
}

// operation names what failed, for the one wording of every diagnostic.
type operation struct {
	phase
	spec       *kindSpec
	sub        int
	peering    int // 0 when not known yet
	timeout    time.Duration
	dataSource bool                // no state to keep
	list       bool                // of the subscription's peerings, not one
	redact     func(string) string // hides the API keys in a diagnostic (Client.Redact)
}

func (o operation) summary() string {
	what := fmt.Sprintf("%s peering", o.spec.subscriptionNoun)
	if o.list {
		return fmt.Sprintf("%s %ss of subscription %d failed", o.verb, what, o.sub)
	}
	if o.peering != 0 {
		return fmt.Sprintf("%s %s %s failed", o.verb, what, formatID(o.sub, o.peering))
	}
	return fmt.Sprintf("%s %s on subscription %d failed", o.verb, what, o.sub)
}

// describe is an error as a diagnostic detail, the keys hidden.
func (o operation) describe(err error, next string) string {
	var b strings.Builder
	kept := ", so nothing was removed from state."
	if o.dataSource {
		kept = "."
	}
	var te *rediscloud.TaskError
	var he *rediscloud.HTTPError
	var fe *rediscloud.PeeringFailedError
	var se *rediscloud.SubscriptionStateError
	var ue *rediscloud.UnexpectedNotFoundError
	var sn *rediscloud.SubscriptionNotFoundError
	var rl *rediscloud.RateLimitedError
	var ls *rediscloud.ListShapeError
	switch {
	case errors.As(err, &ls):
		fmt.Fprintf(&b, "Redis Cloud's answer is not in the documented form: %s. Only a list in that form can show that a peering is gone%s", ls, kept)
	case errors.As(err, &rl):
		fmt.Fprintf(&b, "The Redis Cloud API refused requests with 429 Too Many Requests %d times over %s, and the operation ran out of time (timeouts.%s, %s).",
			rl.Refusals, rl.Waited.Round(time.Second), o.timeoutName, o.timeout)
	case errors.As(err, &ue):
		fmt.Fprintf(&b, "The Redis Cloud API answered HTTP 404 to %s %s, and %s. So the 404 proves nothing about the peering%s",
			ue.HTTP.Method, ue.HTTP.URL, ue.Reason, strings.Replace(kept, "so", "and", 1))
		if ue.Hint != "" {
			fmt.Fprintf(&b, "\n%s.", strings.TrimRight(ue.Hint, "."))
		}
	case errors.As(err, &sn):
		fmt.Fprintf(&b, "Subscription %d does not exist in the account of these API keys: the API's own subscription list does not hold it.", sn.ID)
	case errors.As(err, &fe):
		fmt.Fprintf(&b, "Redis Cloud reports the peering as %q. %s", fe.Peering.Status, cloudOf(fe.Peering.Provider).failed)
	case errors.As(err, &te):
		fmt.Fprintf(&b, "The Redis Cloud API reported %s", cmp.Or(te.Type, "an error"))
		if te.Status != "" {
			fmt.Fprintf(&b, " (%s)", te.Status)
		}
		if te.Description != "" {
			fmt.Fprintf(&b, ": %s", strings.TrimSpace(te.Description))
		}
		b.WriteString(".")
	case errors.As(err, &he):
		fmt.Fprintf(&b, "The Redis Cloud API answered HTTP %d to %s %s", he.StatusCode, he.Method, cmp.Or(he.URL, he.Path))
		if body := strings.TrimSpace(he.Body); body != "" {
			fmt.Fprintf(&b, ": %s", body)
		}
		b.WriteString(".")
		switch {
		case rediscloud.IsUnauthorized(err):
			b.WriteString("\nCheck the provider's api_key and secret_key (or REDISCLOUD_ACCESS_KEY and REDISCLOUD_SECRET_KEY), and that the key may be used from this address.")
		case he.StatusCode == http.StatusTooManyRequests:
			b.WriteString("\nThe account's request limit was still exceeded after retrying; lower requests_per_minute if other tools share this key.")
		}
	case errors.As(err, &se):
		fmt.Fprintf(&b, "Subscription %d is %q, so no peering can be changed on it.", se.ID, se.Status)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(&b, "The operation did not finish within %s (timeouts.%s): %v.", o.timeout, o.timeoutName, err)
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(&b, "The operation was interrupted: %v.", err)
	default:
		b.WriteString(err.Error())
	}
	if id := rediscloud.TaskID(err); id != "" {
		fmt.Fprintf(&b, "\nTask ID: %s.", id)
	}
	if next != "" {
		b.WriteString("\n\n" + next)
	}
	return o.redact(b.String())
}

// addError reports err, followed by next or else the default advice; a
// configError on the attribute at fault.
func (o operation) addError(diags *diag.Diagnostics, err error, next string) {
	var ce *configError
	if errors.As(err, &ce) {
		diags.AddAttributeError(path.Root(ce.attribute), o.summary(), o.redact(ce.msg))
		return
	}
	if next == "" {
		next = o.defaultAdvice(err)
	}
	diags.AddError(o.summary(), o.describe(err, next))
}

// defaultAdvice says what the user can do about common failures.
func (o operation) defaultAdvice(err error) string {
	switch {
	case rediscloud.IsWrongSubscriptionKind(err):
		return o.spec.wrongKind(o.sub)
	case errorIs[*rediscloud.RateLimitedError](err):
		return "The account's 400 requests a minute are shared by every pipeline and tool that uses its keys. Run the command again when fewer of them run, " +
			"or lower requests_per_minute in each so that together they stay under the limit."
	case errors.Is(err, context.DeadlineExceeded) && o.verb == "Reading":
		return fmt.Sprintf("Nothing was changed. Run the command again, or allow more time with a timeouts block (for example timeouts { %s = \"20m\" }).", o.timeoutName)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("Redis Cloud may still be working on it. Run the command again later, or allow more time with a timeouts block (for example timeouts { %s = \"60m\" }).", o.timeoutName)
	case rediscloud.HasErrorType(err, rediscloud.ErrPeeringNotActive):
		return "Redis Cloud changes a peering's CIDRs only once it has set the peering up. Wait until its status is pending-acceptance or active " +
			"(terraform refresh shows it), then apply again."
	case errorIs[*rediscloud.TaskUnknownError](err):
		return "The API's task service never showed the task. If this persists, check the API's status page; the request may still be carried out."
	case rediscloud.IsSubscriptionNotActive(err):
		return fmt.Sprintf("Another change is being applied to subscription %d. Run the command again once it is active.", o.sub)
	case errorIs[*rediscloud.StalledError](err):
		return "The Redis Cloud API, or something between it and this machine (a proxy, a firewall), stopped answering. " +
			"Run the command again; if it happens again, check the network path to the API's url."
	case errorIs[*rediscloud.SubscriptionStateError](err):
		return "Only a pending subscription becomes active by itself. Check the subscription in the Redis Cloud console, and apply again once it is active."
	case rediscloud.IsTransient(err):
		return "This looks like a passing fault of the API or the network, and retrying did not get past it. Run the command again."
	}
	return ""
}

// incompleteAdvice says what to do after a create whose outcome is unknown.
func (r *peeringResource) incompleteAdvice(ie *rediscloud.CreateIncompleteError, op operation) string {
	var b strings.Builder
	if ie.LookupErr != nil {
		b.WriteString("No peering was saved in state, and whether Redis Cloud created one is not known: looking for it failed too. ")
	} else {
		b.WriteString("No peering was saved in state, and none of this network was found on the subscription. ")
	}
	if ie.TaskID != "" {
		fmt.Fprintf(&b, "Redis Cloud may still complete task %s and create it. Once the task has completed, find the peering's ID with the %s data source "+
			"(or GET /v1/tasks/%s: response.resourceId) and import it instead of applying again:\n\n"+
			"  terraform import %s.<name> %d/<peering_id>",
			ie.TaskID, r.spec.listTypeName(), ie.TaskID, r.spec.resourceTypeName(), ie.SubscriptionID)
	} else {
		fmt.Fprintf(&b, "If the request reached Redis Cloud, the next apply reports the peering as already existing and gives the import command.")
	}
	if errors.Is(ie, context.DeadlineExceeded) {
		fmt.Fprintf(&b, "\n\nAllow more time with timeouts { %s = \"60m\" }.", op.timeoutName)
	}
	return b.String()
}

// duplicateAdvice finds the peering that exists and says how to import it.
func (r *peeringResource) duplicateAdvice(ctx context.Context, sub int, creq *rediscloud.CreatePeeringRequest) string {
	p, err := r.client.FindPeering(ctx, r.spec.kind, sub, creq)
	if err != nil || p == nil {
		return fmt.Sprintf("A peering of this network already exists on subscription %d. Find its ID with the %s data source, "+
			"then import it: terraform import %s.<name> %d/<peering_id>", sub, r.spec.listTypeName(), r.spec.resourceTypeName(), sub)
	}
	id := formatID(sub, p.ID)
	return fmt.Sprintf("Peering %s (status %q) already connects this network, probably created by an interrupted apply. Bring it under management instead of creating another:\n\n"+
		"  terraform import %s.<name> %s\n\nor, with Terraform 1.5 or later, an import block:\n\n"+
		"  import {\n    to = %s.<name>\n    id = %q\n  }", id, p.Status, r.spec.resourceTypeName(), id, r.spec.resourceTypeName(), id)
}

// errorIs reports whether err wraps an error of type T.
func errorIs[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}
