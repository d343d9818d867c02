package rediscloud

import (
	"context"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem names the client's log lines (TF_LOG_PROVIDER_REDISCLOUD_API
// sets its level apart from the provider's).
const logSubsystem = "api"

// logContext returns ctx with the client's subsystem and both keys masked
// everywhere: a second line of defence, as keys never reach a log by design.
func (c *Client) logContext(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem)
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, c.hidden...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, c.hidden...)
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, "x-api-key", "x-api-secret-key", "api_key", "secret_key")
	return c.MaskKeys(ctx)
}

// MaskKeys returns ctx with the keys masked in the provider's own log lines,
// as Redact hides them: callers log errors and values the API sent.
func (c *Client) MaskKeys(ctx context.Context) context.Context {
	ctx = tflog.MaskAllFieldValuesStrings(ctx, c.hidden...)
	return tflog.MaskMessageStrings(ctx, c.hidden...)
}

func logAttempt(_ retryablehttp.Logger, req *http.Request, retry int) {
	fields := map[string]any{"method": req.Method, "path": req.URL.Path}
	if retry == 0 {
		tflog.SubsystemTrace(req.Context(), logSubsystem, "sending request", fields)
		return
	}
	fields["retry"] = retry
	tflog.SubsystemDebug(req.Context(), logSubsystem, "retrying request", fields)
}
