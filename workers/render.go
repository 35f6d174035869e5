package workers

import (
	"context"
	"fmt"
	"strings"

	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/schedule"
	"github.com/peykhq/peyk/templates"
)

// TemplateRenderer renders schedules' templates with the customer's name
// and locale, the conversation and the due time.
type TemplateRenderer struct {
	Templates *templates.Store
	Contacts  *crm.Store
	Inbox     *inbox.Inbox
	// Company signs messages; may be empty.
	Company string
}

var _ Renderer = (*TemplateRenderer)(nil)

// RenderSchedule renders template name for schedule s as text in the
// contact's locale (the default locale when the contact has none).
func (r *TemplateRenderer) RenderSchedule(ctx context.Context, s schedule.Schedule, name string) (string, error) {
	d := templates.Data{Company: r.Company, Due: s.DueAt, Now: s.DueAt}
	if s.ConversationID != nil {
		c, err := r.Inbox.Conversation(ctx, *s.ConversationID)
		if err != nil {
			return "", err
		}
		d.Conversation = templates.Conversation{ID: c.ID, Ref: c.Ref, Subject: c.Subject}
	}
	locale := ""
	if s.ContactID != nil {
		c, err := r.Contacts.Get(ctx, *s.ContactID)
		if err != nil {
			return "", err
		}
		locale = c.Locale
		d.Contact = templates.Contact{ID: c.ID, Name: c.Name}
		d.Attributes = c.Attributes
		for _, id := range c.Identities {
			switch id.Kind {
			case "phone":
				d.Contact.Phone = id.Value
			case "email":
				d.Contact.Email = id.Value
			}
		}
		if first, _, ok := strings.Cut(c.Name, " "); ok {
			d.Contact.FirstName = first
		}
	}
	out, err := r.Templates.Render(ctx, name, locale, templates.Text, d)
	if err != nil {
		return "", fmt.Errorf("workers: render %q for schedule %d: %w", name, s.ID, err)
	}
	return out.Text, nil
}
