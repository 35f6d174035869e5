package whatsapp

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
)

// Error codes of the Cloud API that Peyk treats specially.
const (
	// CodeWindowClosed (131047, "Re-engagement message"): more than 24
	// hours passed since the customer last wrote; only a template may be
	// sent.
	CodeWindowClosed = 131047
	// CodeThroughput (130429): the phone number's send rate was exceeded.
	CodeThroughput = 130429
	// CodeSpamRate (131048): sends were limited because too many earlier
	// messages were blocked or flagged.
	CodeSpamRate = 131048
	// CodePairRate (131056): too many messages to the same recipient.
	CodePairRate = 131056
	// CodeUndeliverable (131026): the recipient cannot receive the
	// message (not on WhatsApp, an old app version, blocked the business).
	CodeUndeliverable = 131026
)

// ErrWindowClosed marks a free-form message refused because the
// customer's 24-hour window is closed, whether Send saw it first or
// WhatsApp answered 131047. It always comes with channels.ErrPermanent:
// retrying cannot help; an approved template can. It is
// channels.ErrWindowClosed, which the web shows in the agent's language.
var ErrWindowClosed = channels.ErrWindowClosed

// windowClosedText is ErrWindowClosed's text, added to a failed status
// that says the same.
var windowClosedText = channels.ErrWindowClosed.Error()

// APIError is an error answer of the Graph API:
// {"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}.
type APIError struct {
	// Status is the HTTP status of the answer.
	Status  int
	Code    int
	Subcode int
	Type    string
	Message string
	Details string
	// TraceID is Meta's fbtrace_id, for support requests.
	TraceID string
}

// Error describes the failure in Meta's words.
func (e *APIError) Error() string {
	s := "HTTP " + strconv.Itoa(e.Status)
	if e.Code != 0 {
		s += " code " + strconv.Itoa(e.Code)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Details != "" && !strings.Contains(e.Message, e.Details) {
		s += " (" + e.Details + ")"
	}
	if e.TraceID != "" {
		s += " [fbtrace_id " + e.TraceID + "]"
	}
	return s
}

// apiErrorBody is the JSON shape of an error answer.
type apiErrorBody struct {
	Error struct {
		Message      string `json:"message"`
		Type         string `json:"type"`
		Code         int    `json:"code"`
		ErrorSubcode int    `json:"error_subcode"`
		ErrorData    struct {
			Details string `json:"details"`
		} `json:"error_data"`
		FBTraceID string `json:"fbtrace_id"`
	} `json:"error"`
}

// classify turns a failed call into the channels contract: the closed
// window wraps ErrWindowClosed and channels.ErrPermanent; rate limits
// (HTTP 429, 130429, 131048, 131056, and the app and account limits 4, 80007)
// give a *channels.RetryAfterError; Meta's transient codes (1, 2, 131000,
// 131016) and 5xx answers stay plain so they are retried; any other 4xx
// (undeliverable 131026, a bad token, a bad parameter) wraps
// channels.ErrPermanent.
func classify(what string, e *APIError, retryAfter string) error {
	switch {
	case e.Code == CodeWindowClosed:
		return fmt.Errorf("whatsapp: %s: %w: %w: %w", what, e, ErrWindowClosed, channels.ErrPermanent)
	case e.Status == http.StatusTooManyRequests || e.Code == CodeThroughput || e.Code == CodeSpamRate ||
		e.Code == CodePairRate || e.Code == 4 || e.Code == 80007:
		return &channels.RetryAfterError{After: wait(retryAfter, e.Code), Err: fmt.Errorf("whatsapp: %s: %w", what, e)}
	case e.Code == 1 || e.Code == 2 || e.Code == 131000 || e.Code == 131016 || e.Status >= 500:
		return fmt.Errorf("whatsapp: %s: %w", what, e)
	case e.Status >= 400:
		return fmt.Errorf("whatsapp: %s: %w: %w", what, e, channels.ErrPermanent)
	}
	return fmt.Errorf("whatsapp: %s: %w", what, e)
}

// wait is how long to hold off after a rate limit: the Retry-After
// header in seconds when given, else a minute for the spam and pair limits
// and five seconds for throughput.
func wait(retryAfter string, code int) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if code == CodeSpamRate || code == CodePairRate {
		return time.Minute
	}
	return 5 * time.Second
}
