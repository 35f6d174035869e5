// Package phonelog turns phone call records into timeline entries: Asterisk
// CDR files (Master.csv), a documented generic CSV, and live call events
// posted to a webhook by a PBX or by Twilio.
//
// Every call becomes one channels.Inbound of kind call, sent by the
// customer (the caller of an inbound call, the callee of an outbound one)
// and carrying the disposition, durations and recording link. Phone numbers
// are passed on raw; the inbox normalizes them. See README.md for the
// formats, the direction rules and how duplicates are avoided.
package phonelog

import (
	"fmt"
	"text/template"
	"time"

	"github.com/peykhq/peyk/channels"
)

// Config describes a phone channel: which numbers are ours, the time zone
// of its call records and where its recordings live. The zero value is
// usable: every call is then inbound and times are Tehran time.
type Config struct {
	// Ours lists our own numbers, extensions and patterns. A call from one
	// of them to a number that is not ours is outbound; a call whose
	// customer side would be ours is internal and skipped. An entry is
	// either a number, matched digit for digit (and, from 7 digits on,
	// ignoring a country or trunk prefix: "02188776655" is "+982188776655"),
	// or an Asterisk-style pattern: X is any digit, Z 1–9, N 2–9, and a
	// trailing "." or "*" any rest ("1XX" is the extensions 100–199,
	// "021887766*" a block of DIDs). A leading "_" is ignored.
	Ours []string
	// Location is the time zone of CDR times written without an offset
	// (Asterisk writes local time unless cdr.conf says usegmtime=yes; use
	// time.UTC then). Nil means Asia/Tehran.
	Location *time.Location
	// RecordingURL is an optional text/template that builds the recording
	// link of an answered call that does not carry one, executed with a
	// TemplateData ("https://pbx.example.com/rec/{{.UniqueID}}.wav").
	RecordingURL string
	// TwilioAuthToken, when set, lets the webhook accept Twilio requests
	// that carry a valid X-Twilio-Signature instead of the shared secret.
	TwilioAuthToken string
	// PublicURL is the scheme and host Twilio uses to reach Peyk
	// ("https://peyk.example.com"), for checking signatures behind a proxy.
	// Empty means the request's own (TLS or X-Forwarded-Proto, and Host).
	PublicURL string
}

// TemplateData is what the RecordingURL template sees.
type TemplateData struct {
	// UniqueID is the Asterisk uniqueid, the generic CSV's or JSON event's
	// id, or Twilio's CallSid; it may be empty for CDRs without one.
	UniqueID    string
	ExternalID  string
	Direction   channels.Direction
	Customer    string
	From, To    string
	Start       time.Time
	Disposition string
	// AccountCode, Channel and UserField are the Asterisk CDR fields.
	AccountCode string
	Channel     string
	UserField   string
}

// Validate reports a configuration that cannot work: a recording template
// that does not parse or execute, or an unusable Ours entry.
func (c Config) Validate() error {
	_, err := c.compile(1)
	return err
}

// setup is a Config made ready for use by one channel.
type setup struct {
	channelID int64
	ours      []pattern
	loc       *time.Location
	rec       *template.Template
}

func (c Config) compile(channelID int64) (*setup, error) {
	s := &setup{channelID: channelID, loc: c.Location}
	if channelID <= 0 {
		return nil, fmt.Errorf("phonelog: channel id %d: %w", channelID, channels.ErrInvalid)
	}
	if s.loc == nil {
		s.loc = tehran()
	}
	for _, o := range c.Ours {
		p, err := parsePattern(o)
		if err != nil {
			return nil, fmt.Errorf("phonelog: ours: %w", err)
		}
		s.ours = append(s.ours, p)
	}
	if c.RecordingURL != "" {
		t, err := template.New("recording").Option("missingkey=error").Parse(c.RecordingURL)
		if err != nil {
			return nil, fmt.Errorf("phonelog: recording url template: %w", err)
		}
		if err := t.Execute(discard{}, TemplateData{}); err != nil {
			return nil, fmt.Errorf("phonelog: recording url template: %w", err)
		}
		s.rec = t
	}
	return s, nil
}

// tehran returns Asia/Tehran, or a fixed +03:30 zone when the system has no
// time zone database (Iran has kept +03:30 all year since 2022).
func tehran() *time.Location {
	if loc, err := time.LoadLocation("Asia/Tehran"); err == nil {
		return loc
	}
	return time.FixedZone("+0330", 3*3600+1800)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
