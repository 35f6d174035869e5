package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
)

func TestListConversations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	agent := e.agent(t, "Ali")
	// Five SMS senders and one e-mail with an Arabic-spelled subject.
	for i := range 5 {
		in := smsFrom(e.sms, fmt.Sprintf("0912000000%d", i), fmt.Sprintf("s%d", i))
		in.From.Name = fmt.Sprintf("Sender %d", i)
		e.ingest(t, in)
	}
	mail := mailFrom(e.mail, "Maryam <maryam@example.com>", "m1@x", channels.Thread{Subject: "سفارش كيك ۱۲"})
	mail.From.Name = "Maryam"
	mail.Text = "  first line\n\n   second   line "
	mail.Attachments = []channels.Attachment{{Name: "invoice.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}}
	e.ingest(t, mail)
	mailConv := e.conversationOf(t, "m1@x")
	s3 := e.conversationOf(t, "s3")
	if err := e.ib.Assign(ctx, agent, s3, agent); err != nil {
		t.Fatal(err)
	}
	if err := e.ib.Tag(ctx, agent, mailConv, []string{"cake"}, nil); err != nil {
		t.Fatal(err)
	}
	ref := e.count(t, `SELECT ref FROM conversations WHERE id = $1`, mailConv)

	cases := []struct {
		name  string
		f     inbox.ConversationFilter
		want  int
		first int64 // id of the first item, when not 0
	}{
		{"open", inbox.ConversationFilter{}, 6, mailConv},
		{"all", inbox.ConversationFilter{Status: "all"}, 6, mailConv},
		{"resolved", inbox.ConversationFilter{Status: "resolved"}, 0, 0},
		{"assignee", inbox.ConversationFilter{AssigneeID: agent}, 1, s3},
		{"unassigned", inbox.ConversationFilter{Unassigned: true}, 5, mailConv},
		{"channel", inbox.ConversationFilter{ChannelID: e.mail}, 1, mailConv},
		{"tag", inbox.ConversationFilter{Tag: " CAKE"}, 1, mailConv},
		{"subject folded", inbox.ConversationFilter{Query: "کیک 12"}, 1, mailConv},
		{"contact name", inbox.ConversationFilter{Query: "sender 3"}, 1, s3},
		{"phone any prefix", inbox.ConversationFilter{Query: "+98 912 000 0003"}, 1, s3},
		{"email", inbox.ConversationFilter{Query: "maryam@"}, 1, mailConv},
		{"ref", inbox.ConversationFilter{Query: fmt.Sprintf("#%d", ref)}, 1, mailConv},
		{"no hit", inbox.ConversationFilter{Query: "nothing like it"}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items, next, err := e.ib.ListConversations(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != c.want || next != "" || (c.first != 0 && items[0].ID != c.first) {
				t.Fatalf("got %d items (next %q): %+v", len(items), next, items)
			}
		})
	}

	t.Run("item fields", func(t *testing.T) {
		items, _, err := e.ib.ListConversations(ctx, inbox.ConversationFilter{ChannelID: e.mail})
		if err != nil {
			t.Fatal(err)
		}
		it := items[0]
		if it.ContactName != "Maryam" || it.ChannelKind != "email" || it.ChannelName != "support" ||
			it.Preview != "first line second line" || it.LastDirection != "in" || it.Unread != 1 || it.WaitingSince == nil {
			t.Fatalf("item = %+v", it)
		}
	})

	t.Run("unnamed contact shows its identity", func(t *testing.T) {
		e.ingest(t, smsFrom(e.sms, "09120000099", "anon"))
		items, _, err := e.ib.ListConversations(ctx, inbox.ConversationFilter{Query: "09120000099"})
		if err != nil || len(items) != 1 {
			t.Fatalf("items = %+v, err = %v", items, err)
		}
		if it := items[0]; it.ContactName != "" || it.ContactHandle != "+989120000099" {
			t.Fatalf("name %q, handle %q", it.ContactName, it.ContactHandle)
		}
		named, _, _ := e.ib.ListConversations(ctx, inbox.ConversationFilter{ChannelID: e.mail})
		if named[0].ContactHandle != "" {
			t.Fatalf("a named contact's handle = %q", named[0].ContactHandle)
		}
		if err := e.ib.SetStatus(ctx, agent, items[0].ID, inbox.StatusResolved, time.Time{}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("pages", func(t *testing.T) {
		seen := map[int64]bool{}
		cur := ""
		for page := 0; ; page++ {
			items, next, err := e.ib.ListConversations(ctx, inbox.ConversationFilter{Limit: 4, Cursor: cur})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if seen[it.ID] {
					t.Fatalf("conversation %d twice", it.ID)
				}
				seen[it.ID] = true
			}
			if next == "" {
				break
			}
			cur = next
		}
		if len(seen) != 6 {
			t.Fatalf("saw %d conversations over the pages, want 6", len(seen))
		}
	})

	for _, f := range []inbox.ConversationFilter{{Status: "closed"}, {Cursor: "!!"}, {Cursor: "MTI"},
		{Query: strings.Repeat("س", 201)}} {
		if _, _, err := e.ib.ListConversations(ctx, f); !errors.Is(err, inbox.ErrInvalid) {
			t.Errorf("%+v: err = %v, want ErrInvalid", f, err)
		}
	}
}

func TestConversationView(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	agent := e.agent(t, "Ali")
	for i := range 5 {
		in := smsFrom(e.sms, "09120000001", fmt.Sprintf("s%d", i))
		if i == 0 {
			in.Attachments = []channels.Attachment{{Name: "photo.jpg", ContentType: "image/jpeg", Data: []byte{1, 2, 3}}}
		}
		e.ingest(t, in)
	}
	conv := e.conversationOf(t, "s0")
	if _, err := e.ib.AddNote(ctx, agent, conv, "called back"); err != nil {
		t.Fatal(err)
	}
	// The same customer writes by e-mail too, once merged into one contact.
	e.ingest(t, mailFrom(e.mail, "x@example.com", "m1@x", channels.Thread{Subject: "hi"}))
	other := e.count(t, `SELECT contact_id FROM conversations WHERE id = $1`, e.conversationOf(t, "m1@x"))
	contact := e.count(t, `SELECT contact_id FROM conversations WHERE id = $1`, conv)

	v, err := e.ib.ConversationView(ctx, conv, "", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Messages) != 4 || v.Older == "" || v.Messages[3].Kind != "note" || v.Messages[3].AuthorName != "Ali" ||
		v.Conversation.ChannelKind != "sms" {
		t.Fatalf("view = %+v", v)
	}
	older, err := e.ib.ConversationView(ctx, conv, v.Older, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(older.Messages) != 2 || older.Older != "" || len(older.Messages[0].Attachments) != 1 ||
		older.Messages[0].Attachments[0].Name != "photo.jpg" || len(older.Messages[0].Attachments[0].SHA256) != 64 {
		t.Fatalf("older page = %+v", older)
	}
	if _, err := e.ib.ConversationView(ctx, 999999, "", 0); !errors.Is(err, inbox.ErrNotFound) {
		t.Fatalf("missing conversation: %v", err)
	}
	if _, err := e.ib.ConversationView(ctx, conv, "bad", 0); !errors.Is(err, inbox.ErrInvalid) {
		t.Fatalf("bad cursor: %v", err)
	}
	if err := e.ib.MarkRead(ctx, conv); err != nil {
		t.Fatal(err)
	}

	if _, err := crm.NewStore(e.pool).Merge(ctx, int64(contact), int64(other), agent); err != nil {
		t.Fatal(err)
	}
	// The merged-away contact's id leads to the whole timeline.
	entries, next, err := e.ib.ContactTimeline(ctx, int64(other), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 7 || next != "" || entries[6].ChannelKind != "email" {
		t.Fatalf("timeline = %d entries, next %q", len(entries), next)
	}
	d, err := e.ib.ContactDetail(ctx, int64(other))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != int64(contact) || len(d.Conversations) != 2 || len(d.Merges) != 1 || len(d.Identities) != 2 {
		t.Fatalf("detail = %+v", d)
	}
}

// TestFoldInSQL checks that peyk_fold, which the subject index uses,
// agrees with crm.Fold, which folds the query.
func TestFoldInSQL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, s := range []string{"علي", "كيك ۱۲۳", "٤٥٦", "می\u200cخواهم", "  Order\t #12  ", "مسئله", "أحمد إبراهيم آرش",
		"قـــند", "مُحَمَّد", "ۀ ة ە ؤ", "\u200fRTL\u200e", "MiXeD CaSe"} {
		var got string
		if err := e.pool.QueryRow(context.Background(), `SELECT peyk_fold($1)`, s).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := crm.Fold(s); got != want {
			t.Errorf("peyk_fold(%q) = %q, crm.Fold = %q", s, got, want)
		}
	}
}

// agent adds an agent called name and returns its id.
func (e env) agent(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role) VALUES ($1, $2, 'agent')
		RETURNING id`, name+"@peyk.test", name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
