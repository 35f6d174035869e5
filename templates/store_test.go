package templates

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
)

func newStore(t *testing.T) (*Store, int64) {
	t.Helper()
	pool := dbtest.New(t)
	var user int64
	err := pool.QueryRow(context.Background(),
		`INSERT INTO users (email, name, role) VALUES ('admin@example.com', 'Admin', 'admin') RETURNING id`).Scan(&user)
	if err != nil {
		t.Fatal(err)
	}
	return NewStore(pool), user
}

func TestStoreOverrides(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, user := newStore(t)

	def, err := s.Get(ctx, "followup.nudge", "fa", Text)
	if err != nil || def.Overridden || def.Custom || !strings.Contains(def.Body, "{{name}}") {
		t.Fatalf("default: %+v, %v", def, err)
	}

	for _, tc := range []struct{ name, body, want string }{
		{"unknown field", "سلام {{.Contact.Nmae}}", "unknown field Nmae"},
		{"unknown variable", "سلام {{.Customer}}", "unknown field Customer"},
		{"unknown function", "سلام {{shout name}}", `unknown function "shout"`},
		{"attribute as a field", "{{.Attributes.plan}}", `{{attr "plan"}}`},
	} {
		t.Run("rejects "+tc.name, func(t *testing.T) {
			err := s.Save(ctx, Template{Name: "followup.nudge", Locale: "fa", Kind: Text, Body: tc.body, UpdatedBy: user})
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Save: %v, want ErrInvalid naming %q", err, tc.want)
			}
		})
	}
	if got, _ := s.Get(ctx, "followup.nudge", "fa", Text); got.Overridden {
		t.Fatal("a rejected template was stored")
	}

	override := Template{Name: "followup.nudge", Locale: "fa", Kind: Text, Body: "{{name}}، پرونده\u200cی #{{digits .Conversation.Ref}} هنوز باز است.", UpdatedBy: user}
	if err := s.Save(ctx, override); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "followup.nudge", "fa", Text)
	if err != nil || !got.Overridden || got.Custom || got.Body != override.Body || got.UpdatedBy != user ||
		got.UpdatedAt.IsZero() || got.Description != def.Description {
		t.Fatalf("override: %+v, %v", got, err)
	}
	r, err := s.Render(ctx, "followup.nudge", "fa", Text, Sample("fa"))
	if err != nil || r.Text != "سارا احمدی، پرونده\u200cی #۱۰۴۲ هنوز باز است." || r.Locale != "fa" {
		t.Fatalf("render override: %+v, %v", r, err)
	}
	if r, _ := s.Render(ctx, "followup.nudge", "en", Text, Sample("en")); !strings.HasPrefix(r.Text, "Hi Sara,") {
		t.Errorf("the English default changed: %q", r.Text)
	}

	override.Body, override.UpdatedBy = "{{firstName}}؟", 0
	if err := s.Save(ctx, override); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Render(ctx, "followup.nudge", "fa-IR", Text, Sample("fa")); r.Text != "سارا؟" {
		t.Errorf("saved again: %q", r.Text)
	}
	if got, _ := s.Get(ctx, "followup.nudge", "fa", Text); got.UpdatedBy != 0 {
		t.Errorf("updated_by %d after a save by nobody", got.UpdatedBy)
	}

	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(defaultNames)*4 {
		t.Errorf("List has %d templates, want %d", len(list), len(defaultNames)*4)
	}
	for i, tpl := range list {
		over := tpl.Name == "followup.nudge" && tpl.Locale == "fa" && tpl.Kind == Text
		if tpl.Overridden != over || tpl.Custom || tpl.Description == "" {
			t.Errorf("List[%d] = %s %s %s overridden %v custom %v", i, tpl.Name, tpl.Locale, tpl.Kind, tpl.Overridden, tpl.Custom)
		}
		if i > 0 && list[i-1].Name > tpl.Name {
			t.Errorf("List is not sorted by name at %d", i)
		}
	}

	if err := s.Delete(ctx, "followup.nudge", "fa", Text); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "followup.nudge", "fa", Text); err != nil || got != def {
		t.Errorf("after Delete: %+v, %v", got, err)
	}
	if r, _ := s.Render(ctx, "followup.nudge", "fa", Text, Sample("fa")); !strings.HasPrefix(r.Text, "سلام سارا احمدی،") {
		t.Errorf("after Delete renders %q", r.Text)
	}
	if err := s.Delete(ctx, "followup.nudge", "fa", Text); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}

	if err := s.Save(ctx, Template{Name: "followup.nudge", Locale: "fa", Kind: Text, Body: "x", UpdatedBy: user + 1000}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Save by an unknown user: %v", err)
	}
}

func TestStoreCustomAndFallback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, user := newStore(t)

	promo := Template{Name: "promo.nowruz", Locale: "fa", Kind: Email, Subject: "نوروز {{jalali .Due}}",
		Body: "سلام {{name}}، نوروز مبارک!", HTML: "<p>سلام {{name}}، نوروز مبارک!</p>", UpdatedBy: user}
	if err := s.Save(ctx, promo); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "promo.nowruz", "fa", Email)
	if err != nil || !got.Custom || !got.Overridden {
		t.Fatalf("custom: %+v, %v", got, err)
	}
	if _, err := s.Get(ctx, "promo.nowruz", "en", Email); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get in the missing locale: %v", err)
	}

	d := Sample("en")
	d.Due = utc("2026-03-20T20:30:00Z")
	d.Contact.Name = `<script>alert("x")</script>`
	for _, locale := range []string{"en", "en-US", "fa", ""} {
		r, err := s.Render(ctx, "promo.nowruz", locale, Email, d)
		if err != nil {
			t.Fatalf("%q: %v", locale, err)
		}
		if r.Locale != "fa" || r.Subject != "نوروز ۱۴۰۵/۰۱/۰۱" {
			t.Errorf("%q: fell back to %q with subject %q", locale, r.Locale, r.Subject)
		}
		if want := `<p>سلام &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;، نوروز مبارک!</p>`; r.HTML != want {
			t.Errorf("%q: html %q, want %q", locale, r.HTML, want)
		}
	}

	// A locale the contact lacks falls back to DefaultLocale first.
	s.DefaultLocale = "en"
	r, err := s.Render(ctx, "warranty.expiry", "de", Text, Sample("en"))
	if err != nil || r.Locale != "en" || !strings.Contains(r.Text, "4 April 2026") {
		t.Errorf("DefaultLocale en: %+v, %v", r, err)
	}
	s.DefaultLocale = ""
	if r, _ := s.Render(ctx, "warranty.expiry", "", Text, Sample("fa")); r.Locale != "fa" || !strings.Contains(r.Text, "۱۵ فروردین ۱۴۰۵") {
		t.Errorf("no DefaultLocale: %+v", r)
	}

	// The defaults escape customer names in HTML when rendered from the store.
	r, err = s.Render(ctx, "followup.nudge", "fa", Email, d)
	if err != nil || strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;") {
		t.Errorf("default email html: %v\n%s", err, r.HTML)
	}

	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	custom := 0
	for _, tpl := range list {
		if tpl.Custom {
			custom++
		}
	}
	if custom != 1 || len(list) != len(defaultNames)*4+1 {
		t.Errorf("List: %d templates, %d custom", len(list), custom)
	}

	if err := s.Delete(ctx, "promo.nowruz", "fa", Email); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Render(ctx, "promo.nowruz", "fa", Email, d); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted custom template: %v", err)
	}
	if _, err := s.Get(ctx, "no.such", "fa", Text); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get unknown: %v", err)
	}
	if _, err := s.Render(ctx, "reply.signature", "fa", "fax", d); !errors.Is(err, ErrNotFound) {
		t.Errorf("Render of an unknown kind: %v", err)
	}
}
