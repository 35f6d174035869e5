package phonelog

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
)

// Dispositions of a call, as Asterisk writes them.
const (
	Answered   = "ANSWERED"
	NoAnswer   = "NO ANSWER"
	Busy       = "BUSY"
	Failed     = "FAILED"
	Congestion = "CONGESTION"
)

// record is one call as a source describes it, before direction and
// customer are decided.
type record struct {
	externalID  string
	direction   channels.Direction // empty: decided by Config.Ours
	from, to    string
	name        string // the caller's name, used for inbound calls
	disposition string
	duration    time.Duration
	billable    time.Duration
	start       time.Time
	recording   string
	data        TemplateData // UniqueID, AccountCode, Channel, UserField
}

// errInternal marks a call between two of our own numbers.
var errInternal = errors.New("internal call")

// errUnknownCaller marks an inbound call without a caller number
// (anonymous, withheld, "Unknown" or empty): there is no one to tie it to
// or to call back.
var errUnknownCaller = errors.New("no caller number")

// isSkip reports whether err marks a call that is skipped on purpose
// rather than a bad row: an internal call or one from an unknown caller.
func isSkip(err error) bool {
	return errors.Is(err, errInternal) || errors.Is(err, errUnknownCaller)
}

// inbound decides direction and customer and builds the timeline entry.
// It returns errInternal for a call whose customer side is ours and
// errUnknownCaller for an inbound call without a caller number.
func (s *setup) inbound(r record) (channels.Inbound, error) {
	dir := r.direction
	if dir == "" {
		dir = channels.In
		if s.isOurs(r.from) && !s.isOurs(r.to) {
			dir = channels.Out
		}
	}
	customer, name := r.from, callerName(r.name)
	if dir == channels.Out {
		customer, name = r.to, ""
	}
	if s.isOurs(customer) {
		return channels.Inbound{}, errInternal
	}
	if dir == channels.In && unknownNumber(customer) {
		return channels.Inbound{}, errUnknownCaller
	}
	customer, err := checkNumber(customer)
	if err != nil {
		return channels.Inbound{}, err
	}
	call := &channels.Call{Disposition: r.disposition, Duration: r.duration, Billable: r.billable, RecordingURL: r.recording}
	if call.RecordingURL == "" && s.rec != nil && r.disposition == Answered {
		d := r.data
		d.ExternalID, d.Direction, d.Customer = r.externalID, dir, customer
		d.From, d.To, d.Start, d.Disposition = r.from, r.to, r.start, r.disposition
		var b strings.Builder
		if err := s.rec.Execute(&b, d); err != nil {
			return channels.Inbound{}, fmt.Errorf("recording url: %w", err)
		}
		call.RecordingURL = strings.TrimSpace(b.String())
	}
	return channels.Inbound{
		ChannelID:  s.channelID,
		ExternalID: r.externalID,
		Direction:  dir,
		Kind:       channels.KindCall,
		From:       channels.Identity{Kind: channels.IdentityPhone, Value: customer, Name: name},
		Text:       Summary(dir, call),
		Call:       call,
		SentAt:     r.start,
	}, nil
}

// Summary is the short English text of a call timeline entry: "Missed
// call", "Answered call, 3m12s", "Outgoing call, busy". The UI localizes it.
func Summary(dir channels.Direction, c *channels.Call) string {
	talk := c.Billable
	if talk <= 0 {
		talk = c.Duration
	}
	switch {
	case dir == channels.Out && c.Disposition == Answered:
		return "Outgoing call, " + talk.Round(time.Second).String()
	case dir == channels.Out:
		return "Outgoing call, " + strings.ToLower(c.Disposition)
	case c.Disposition == Answered:
		return "Answered call, " + talk.Round(time.Second).String()
	case c.Disposition == NoAnswer:
		return "Missed call"
	}
	return "Missed call (" + strings.ToLower(c.Disposition) + ")"
}

// parseDisposition returns the canonical disposition for s, accepting
// Asterisk's words in any case and a few common synonyms. A canonical one,
// as Asterisk writes it, is returned as it is without being split and
// joined.
func parseDisposition(s string) (string, error) {
	switch s {
	case Answered, NoAnswer, Busy, Failed, Congestion:
		return s, nil
	}
	switch strings.ToUpper(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '_' || r == '-' || r == '\t'
	}), " ")) {
	case Answered, "ANSWER":
		return Answered, nil
	case NoAnswer, "NOANSWER", "MISSED", "UNANSWERED":
		return NoAnswer, nil
	case Busy:
		return Busy, nil
	case Failed, "CANCELED", "CANCELLED", "CANCEL":
		return Failed, nil
	case Congestion:
		return Congestion, nil
	}
	return "", fmt.Errorf("disposition %q is not ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION", clip(s))
}
