package templates

import (
	"sync"
	"time"
)

// Data is what a template can refer to. Fields a message does not need may
// be left zero: the functions render a zero time as "" and name falls back
// to a polite greeting, so "{{with date .Due}}…{{end}}" skips what is
// missing.
type Data struct {
	// Contact is the customer the message is to or about.
	Contact Contact
	// Agent is the agent the message is from (a customer message and its
	// signature) or for (a reminder, an SLA notice: the new assignee).
	Agent Agent
	// Conversation is the conversation the message belongs to.
	Conversation Conversation
	// Company is the business's name, for greetings and signatures.
	Company string
	// Due is the moment the message is about: when to call back, when the
	// first response was due, when a warranty ends.
	Due time.Time
	// Now is the moment of rendering; Render uses time.Now when it is zero.
	Now time.Time
	// Text is free text written by an agent: a scheduled message's body or
	// a reminder's note.
	Text string
	// Link is a URL the message points to: the conversation in the agent
	// UI for agents, a booking or payment page for customers.
	Link string
	// Attributes are the contact's custom attributes. They differ from
	// contact to contact, so templates read them with {{attr "key"}}, which
	// is empty when the contact has none; {{.Attributes.key}} is rejected.
	Attributes map[string]any
	// Location is the time zone dates and times are shown in; nil means
	// Asia/Tehran.
	Location *time.Location
}

// Contact is the customer, as templates see them.
type Contact struct {
	ID        int64
	Name      string // the display name, "سارا احمدی"
	FirstName string // what to call them informally, "سارا"; may be empty
	Phone     string // the main phone number in E.164, "+989121234567"
	Email     string // the main email address
}

// Agent is a user of Peyk, as templates see them.
type Agent struct {
	ID    int64
	Name  string
	Email string
}

// Conversation is a conversation, as templates see it.
type Conversation struct {
	ID      int64
	Ref     int64  // the reference number customers see, «#1042»
	Subject string // may be empty for chat and SMS
	Channel string // the channel kind: email, sms, telegram, phone…
}

// Tehran returns the Asia/Tehran time zone, or a fixed +03:30 zone (Iran
// has kept no daylight saving time since 2022) when the system has no zone
// database.
func Tehran() *time.Location { return tehran() }

var tehran = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Tehran"); err == nil {
		return loc
	}
	return time.FixedZone("+0330", 12600)
})

// Sample returns example data in locale, the data templates are checked
// against when saved and a reasonable preview for an editor. Its call-back
// is due on Saturday 4 April 2026 (۱۵ فروردین ۱۴۰۵) at 10:00 Tehran time.
func Sample(locale string) Data {
	d := Data{
		Contact:      Contact{ID: 7, Name: "Sara Ahmadi", FirstName: "Sara", Phone: "+989121234567", Email: "sara@example.com"},
		Agent:        Agent{ID: 3, Name: "Reza Karimi", Email: "reza@example.com"},
		Conversation: Conversation{ID: 42, Ref: 1042, Subject: "Fridge not cooling", Channel: "sms"},
		Company:      "Arian After-Sales",
		Due:          time.Date(2026, 4, 4, 6, 30, 0, 0, time.UTC),
		Now:          time.Date(2026, 4, 3, 5, 45, 0, 0, time.UTC),
		Text:         "Please confirm the technician's visit time.",
		Link:         "https://peyk.example/conversations/42",
		Attributes:   map[string]any{"product": "side-by-side fridge", "warranty_end": "2026-04-04", "plan": "gold"},
		Location:     Tehran(),
	}
	if locale == Persian {
		d.Contact.Name, d.Contact.FirstName = "سارا احمدی", "سارا"
		d.Agent.Name = "رضا کریمی"
		d.Conversation.Subject = "یخچال خنک نمی\u200cکند"
		d.Company = "خدمات پس از فروش آرین"
		d.Text = "لطفاً زمان مراجعه\u200cی تعمیرکار را هماهنگ کنید."
		d.Attributes["product"] = "یخچال ساید بای ساید"
	}
	return d
}
