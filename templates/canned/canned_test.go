package canned_test

import (
	"context"
	"errors"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/templates/canned"
)

func TestCannedCRUD(t *testing.T) {
	ctx := context.Background()
	s := canned.NewStore(dbtest.New(t))
	hours, err := s.Create(ctx, 0, canned.Response{Title: " ساعت کاری ", BodyFa: "شنبه تا پنجشنبه ۹ تا ۲۱", BodyEn: "Sat–Thu 9–21", Shortcut: "/Hours"})
	if err != nil {
		t.Fatal(err)
	}
	if hours.Title != "ساعت کاری" || hours.Shortcut != "hours" {
		t.Errorf("stored %+v", hours)
	}
	bad := []struct {
		name  string
		r     canned.Response
		field string
	}{
		{"no title", canned.Response{BodyFa: "x"}, "title"},
		{"no text", canned.Response{Title: "x"}, "body_fa"},
		{"bad shortcut", canned.Response{Title: "x", BodyEn: "x", Shortcut: "two words"}, "shortcut"},
		{"shortcut taken", canned.Response{Title: "x", BodyEn: "x", Shortcut: "hours"}, "shortcut"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Create(ctx, 0, c.r)
			if fe := channels.FieldErrors(err); len(fe) == 0 || fe[0].Field != c.field {
				t.Fatalf("error %v, want one on %s", err, c.field)
			}
		})
	}
	hours.BodyEn = ""
	if _, err := s.Update(ctx, 0, hours); err != nil {
		t.Fatal(err)
	}
	list, _ := s.List(ctx)
	if len(list) != 1 || list[0].BodyEn != "" {
		t.Errorf("list %+v", list)
	}
	if err := s.Delete(ctx, 0, hours.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, 0, hours.ID); !errors.Is(err, templates.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func TestCannedFor(t *testing.T) {
	ctx := context.Background()
	s := canned.NewStore(dbtest.New(t))
	for _, r := range []canned.Response{
		{Title: "both", BodyFa: "سلام", BodyEn: "Hello"},
		{Title: "english only", BodyEn: "Only English"},
		{Title: "persian only", BodyFa: "فقط فارسی"},
	} {
		if _, err := s.Create(ctx, 0, r); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, contact, agent string
		want                 map[string]string // title → text
	}{
		{"the contact's language", "en-GB", "fa", map[string]string{"both": "Hello", "english only": "Only English", "persian only": "فقط فارسی"}},
		{"the agent's when the contact has none", "", "en", map[string]string{"both": "Hello", "english only": "Only English", "persian only": "فقط فارسی"}},
		{"the agent's when the contact's is unsupported", "de", "fa", map[string]string{"both": "سلام", "english only": "Only English", "persian only": "فقط فارسی"}},
		{"Persian contact", "fa-IR", "en", map[string]string{"both": "سلام", "english only": "Only English", "persian only": "فقط فارسی"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			offers, err := s.For(ctx, c.contact, c.agent)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, o := range offers {
				got[o.Title] = o.Text
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
