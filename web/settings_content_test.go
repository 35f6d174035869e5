package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCannedSettings manages canned responses from the settings page in
// fa and en — a refused form shows the reason beside its field in the
// page's language and adds nothing — and finds them in the reply box in
// the contact's language, else the agent's, with ?canned= filling the
// reply box for browsers without script.
func TestCannedSettings(t *testing.T) {
	t.Parallel()
	cases := []struct{ locale, required, agentText string }{
		{"fa", "این فیلد لازم است.", "ساعت کاری ما ۹ تا ۲۱ است."},
		{"en", "This field is required.", "We are open 9 to 21."},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, c.locale)
			e.becomeAdmin()
			resp, body := e.post("/settings/canned", url.Values{"title": {" "}, "body_fa": {"x"}, "shortcut": {"two words"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.required) || !strings.Contains(body, `value="two words"`) {
				t.Fatalf("refused form: %d\n%s", resp.StatusCode, body)
			}
			if auditCount(t, e, "canned.create") != 0 {
				t.Error("a refused response was recorded")
			}
			resp, _ = e.post("/settings/canned", url.Values{"title": {"ساعت کاری"}, "body_fa": {"ساعت کاری ما ۹ تا ۲۱ است."},
				"body_en": {"We are open 9 to 21."}, "shortcut": {"hours"}})
			if resp.StatusCode != http.StatusSeeOther || auditCount(t, e, "canned.create") != 1 {
				t.Fatalf("create: %d", resp.StatusCode)
			}
			var id int64
			if err := e.pool.QueryRow(context.Background(), `SELECT id FROM canned_responses`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if _, body = e.get("/settings/canned"); !strings.Contains(body, "ساعت کاری") || !strings.Contains(body, "/hours") {
				t.Errorf("list lacks the response\n%s", body)
			}
			if _, body = e.get(fmt.Sprintf("/settings/canned/%d", id)); !strings.Contains(body, "We are open 9 to 21.") {
				t.Errorf("edit form lacks the text")
			}

			conv := fmt.Sprintf("/conversations/%d", e.mailConv)
			if _, body = e.get(conv); !strings.Contains(html.UnescapeString(body), `data-text="`+c.agentText) {
				t.Errorf("reply box: want the agent's language (%s) for a contact with none", c.locale)
			}
			if _, err := e.pool.Exec(context.Background(), `UPDATE contacts SET locale = 'en' WHERE id = $1`, e.contact); err != nil {
				t.Fatal(err)
			}
			_, body = e.get(fmt.Sprintf("%s?canned=%d", conv, id))
			if !strings.Contains(body, `data-text="We are open 9 to 21."`) || !strings.Contains(body, `required>We are open 9 to 21.</textarea>`) {
				t.Errorf("reply box: want the contact's language, prefilled by ?canned=\n%s", body)
			}

			resp, _ = e.post(fmt.Sprintf("/settings/canned/%d", id), url.Values{"title": {"Opening hours"}, "body_en": {"9–21"}})
			if resp.StatusCode != http.StatusSeeOther || auditCount(t, e, "canned.update") != 1 {
				t.Errorf("update: %d", resp.StatusCode)
			}
			resp, _ = e.post(fmt.Sprintf("/settings/canned/%d/delete", id), url.Values{})
			if resp.StatusCode != http.StatusSeeOther || auditCount(t, e, "canned.delete") != 1 {
				t.Errorf("delete: %d", resp.StatusCode)
			}
		})
	}
}

// TestTagSettings lists tags with their counts, renames, merges, colours
// and deletes them from the settings page; the inbox draws the new names
// in their colour; a refused change (renaming onto an existing tag)
// shows why beside the field and changes nothing.
func TestTagSettings(t *testing.T) {
	t.Parallel()
	cases := []struct{ locale, taken string }{
		{"fa", "برچسبی با این نام هست"},
		{"en", "A tag with this name exists"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			t.Parallel()
			e := newUIEnv(t, c.locale)
			ctx := context.Background()
			if _, err := e.pool.Exec(ctx, `UPDATE conversations SET tags = '{vip,refund}' WHERE id = $1;`, e.mailConv); err != nil {
				t.Fatal(err)
			}
			if _, err := e.pool.Exec(ctx, `UPDATE conversations SET tags = '{refund}' WHERE id = $1`, e.chatConv); err != nil {
				t.Fatal(err)
			}
			if _, err := e.pool.Exec(ctx, `UPDATE contacts SET tags = '{vip}' WHERE id = $1`, e.contact); err != nil {
				t.Fatal(err)
			}
			if resp, _ := e.get("/settings/tags"); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("agent: %d", resp.StatusCode)
			}
			e.becomeAdmin()
			_, body := e.get("/settings/tags")
			if !strings.Contains(body, `data-tag="vip"`) || !strings.Contains(body, `data-tag="refund"`) {
				t.Fatalf("tags page\n%s", body)
			}
			resp, body := e.post("/settings/tags/rename", url.Values{"from": {"vip"}, "to": {"refund"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.taken) {
				t.Errorf("rename onto an existing tag: %d\n%s", resp.StatusCode, body)
			}
			steps := []struct {
				path string
				form url.Values
				want string // in the inbox
			}{
				{"/settings/tags/rename", url.Values{"from": {"vip"}, "to": {"Gold"}}, `<span class="tag tag-gray">gold</span>`},
				{"/settings/tags/colour", url.Values{"name": {"gold"}, "colour": {"purple"}}, `<span class="tag tag-purple">gold</span>`},
				{"/settings/tags/merge", url.Values{"from": {"refund"}, "into": {"gold"}}, `<span class="tag tag-purple">gold</span>`},
			}
			for _, s := range steps {
				if resp, body := e.post(s.path, s.form); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("%s: %d\n%s", s.path, resp.StatusCode, body)
				}
				if _, inbox := e.get("/"); !strings.Contains(inbox, s.want) || strings.Contains(inbox, ">vip<") {
					t.Errorf("after %s the inbox lacks %s", s.path, s.want)
				}
			}
			var tags []string
			if err := e.pool.QueryRow(ctx, `SELECT tags FROM conversations WHERE id = $1`, e.mailConv).Scan(&tags); err != nil || fmt.Sprint(tags) != "[gold]" {
				t.Errorf("merged tags %v %v, want [gold] once", tags, err)
			}
			if _, body := e.get("/settings/tags"); !strings.Contains(body, `data-tag="gold"`) || strings.Contains(body, `data-tag="refund"`) {
				t.Errorf("tags page after merge\n%s", body)
			}
			if resp, _ := e.post("/settings/tags/delete", url.Values{"name": {"gold"}}); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("delete: %d", resp.StatusCode)
			}
			if _, inbox := e.get("/"); strings.Contains(inbox, ">gold<") {
				t.Error("a deleted tag is still drawn")
			}
			for _, a := range []string{"tag.rename", "tag.colour", "tag.merge", "tag.delete"} {
				if auditCount(t, e, a) != 1 {
					t.Errorf("%s recorded %d times", a, auditCount(t, e, a))
				}
			}
		})
	}
}
