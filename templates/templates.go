// Package templates renders the messages Peyk sends by itself — reminders,
// follow-ups, scheduled messages, SLA notices, signatures — in Persian and
// English, for text channels (SMS, Telegram) and for email.
//
// Every template has a name ("followup.nudge"), a locale ("fa" or "en") and
// a kind: Text is one text/template body; Email is a subject and a plain-text
// body (text/template) plus an optional HTML body (html/template). Defaults
// are embedded in the binary; an administrator may override any of them, or
// add new ones, in the database through a Store. Templates are checked when
// they are saved: one that names an unknown field or function, or whose HTML
// cannot be escaped safely, is rejected then, not when a message is sent.
package templates

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Kind is the channel flavour of a template.
type Kind string

// The kinds of template.
const (
	// Text is a plain-text body for SMS, Telegram and other chat channels.
	Text Kind = "text"
	// Email is a subject, a plain-text body and an optional HTML body.
	Email Kind = "email"
)

// The locales templates are written in.
const (
	Persian = "fa"
	English = "en"
)

// Limits on a saved template's size, and on its output.
const (
	maxName    = 64
	maxSubject = 1 << 10
	maxPart    = 64 << 10
	maxOutput  = 256 << 10
)

// Template is one message template. For the Text kind only Body is used.
type Template struct {
	Name    string `json:"name"`
	Locale  string `json:"locale"`
	Kind    Kind   `json:"kind"`
	Subject string `json:"subject"` // the email subject (text/template)
	Body    string `json:"body"`    // the text message or the email's plain-text part (text/template)
	HTML    string `json:"html"`    // the email's HTML part (html/template); may be empty

	// Description says what the template is for; it comes from the
	// embedded default and is empty for a template with no default.
	Description string `json:"description"`
	// Overridden reports whether this version comes from the database.
	Overridden bool `json:"overridden"`
	// Custom reports whether the template has no embedded default, so
	// deleting its override removes it altogether.
	Custom bool `json:"custom"`
	// UpdatedAt and UpdatedBy (a user id, 0 when unknown) say who last
	// saved an override; they are zero for a default.
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy int64     `json:"updated_by"`
}

// Rendered is a template's output for one message.
type Rendered struct {
	Subject string // one line: runs of white space, line breaks included, become one space
	Text    string // the text message or the email's plain-text part
	HTML    string // the email's HTML part, empty when the template has none
	Locale  string // the locale of the template used, which may be a fallback
}

// key identifies a template.
type key struct {
	name, locale string
	kind         Kind
}

func (t Template) key() key { return key{t.Name, t.Locale, t.Kind} }

var namePattern = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// checkID rejects a name, locale or kind that cannot identify a template.
func checkID(name, locale string, kind Kind) error {
	switch {
	case len(name) > maxName || !namePattern.MatchString(name):
		return &Error{Code: "id", Reason: fmt.Sprintf("bad name %q: use lower-case letters, digits and . _ - between them, at most %d characters", name, maxName)}
	case locale != Persian && locale != English:
		return &Error{Code: "id", Reason: fmt.Sprintf("unknown locale %q (want fa or en)", locale)}
	case kind != Text && kind != Email:
		return &Error{Code: "id", Reason: fmt.Sprintf("unknown kind %q (want text or email)", kind)}
	}
	return nil
}

// Match returns the supported locale for a contact's or user's locale:
// "fa" for "fa", "fa-IR" or "fa_IR", "en" for "en-GB", and fallback for an
// empty or unsupported one.
func Match(locale, fallback string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(locale)), "-")
	base, _, _ = strings.Cut(base, "_")
	if base == Persian || base == English {
		return base
	}
	return fallback
}

// other returns the other supported locale, the fallback for a template
// missing in one.
func other(locale string) string {
	if locale == Persian {
		return English
	}
	return Persian
}
