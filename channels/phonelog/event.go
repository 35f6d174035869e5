package phonelog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/peykhq/peyk/channels"
)

// Event is the JSON call event a PBX posts to the webhook, alone or as an
// array of up to MaxEvents. Durations are whole seconds, as a number or
// a numeric string.
type Event struct {
	// ID is the PBX's id of the call (Asterisk's uniqueid or linkedid); it
	// makes retries safe. Required.
	ID string `json:"id"`
	// Direction is "in" or "out"; empty lets Config.Ours decide.
	Direction   string  `json:"direction"`
	From        string  `json:"from"`
	To          string  `json:"to"`
	Disposition string  `json:"disposition"`
	Duration    Seconds `json:"duration"`
	Billsec     Seconds `json:"billsec"`
	// Start is RFC 3339, or "2006-01-02 15:04:05" in Config.Location;
	// empty means now.
	Start        string `json:"start"`
	RecordingURL string `json:"recording_url"`
	// Name is the caller's display name, for inbound calls.
	Name string `json:"name"`
}

// MaxEvents is the most events one webhook request may carry.
const MaxEvents = 1000

// Seconds is a whole number of seconds in JSON, written as a number or a
// numeric string.
type Seconds int64

// UnmarshalJSON reads 42, 42.0 or "42".
func (s *Seconds) UnmarshalJSON(b []byte) error {
	v := strings.Trim(string(b), `"`)
	if v == "" || v == "null" {
		*s = 0
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1e9 || f != float64(int64(f)) {
		return fmt.Errorf("%s is not a whole, non-negative number of seconds", clip(string(b)))
	}
	*s = Seconds(f)
	return nil
}

// parseEvents reads one event or an array of them, and says in ignored
// how many were skipped on purpose (internal, or without a caller number).
func (s *setup) parseEvents(body io.Reader) (calls []channels.Inbound, ignored string, err error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, "", err
	}
	raw = bytes.TrimSpace(raw)
	var events []Event
	if len(raw) > 0 && raw[0] == '[' {
		err = json.Unmarshal(raw, &events)
	} else {
		events = make([]Event, 1)
		err = json.Unmarshal(raw, &events[0])
	}
	if err != nil {
		return nil, "", fmt.Errorf("body is not a JSON call event: %w", err)
	}
	if len(events) == 0 || len(events) > MaxEvents {
		return nil, "", fmt.Errorf("%d events; send 1 to %d", len(events), MaxEvents)
	}
	calls = make([]channels.Inbound, 0, len(events))
	skipped := 0
	for i, e := range events {
		in, err := s.event(e)
		if isSkip(err) {
			skipped++
			continue
		}
		if err != nil {
			if len(events) > 1 {
				return nil, "", fmt.Errorf("event %d: %w", i, err)
			}
			return nil, "", err
		}
		calls = append(calls, in)
	}
	if skipped > 0 {
		ignored = fmt.Sprintf("%d skipped: between our own numbers or without a caller number", skipped)
	}
	return calls, ignored, nil
}

// event turns one JSON event into a call.
func (s *setup) event(e Event) (channels.Inbound, error) {
	id := strings.TrimSpace(e.ID)
	if id == "" {
		return channels.Inbound{}, errors.New(`"id" is missing`)
	}
	r := record{externalID: "pbx:" + clipID(id), from: e.From, to: e.To, name: strings.TrimSpace(e.Name),
		duration: time.Duration(e.Duration) * time.Second, billable: time.Duration(e.Billsec) * time.Second,
		recording: strings.TrimSpace(e.RecordingURL), data: TemplateData{UniqueID: id}}
	var err error
	if r.direction, err = parseDirection(e.Direction); err != nil {
		return channels.Inbound{}, err
	}
	if r.disposition, err = parseDisposition(e.Disposition); err != nil {
		return channels.Inbound{}, err
	}
	if strings.TrimSpace(e.Start) != "" {
		if r.start, err = s.flexTime("start", strings.TrimSpace(e.Start)); err != nil {
			return channels.Inbound{}, err
		}
	}
	return s.inbound(r)
}
