package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// teamsEnv is an apiEnv with two teams, an agent in each, and
// conversations of each team, of no team, and one of team B assigned to
// agent A. Each conversation's contact is named after it, so a page shows
// which it lists.
type teamsEnv struct {
	*apiEnv
	agentA, agentB       string // tokens
	agentAID, agentBID   int64
	convA, convB, convNo int64
	convBtoA             int64 // team B, assigned to agent A
	teamA, teamB         int64
	contactB             int64
	callB                int64 // a second conversation of contactB, team A
}

func newTeamsEnv(t *testing.T) *teamsEnv {
	t.Helper()
	ctx := context.Background()
	e := &teamsEnv{apiEnv: newAPIEnv(t)}
	agent := func(email string) (string, int64) {
		u, err := e.users.CreateUser(ctx, auth.NewUser{Email: email, Name: email, Role: auth.RoleAgent, Password: "long enough"})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := e.users.CreateToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		return tok, u.ID
	}
	e.agentA, e.agentAID = agent("a@peyk.ir")
	e.agentB, e.agentBID = agent("b@peyk.ir")
	teamA, err := e.ib.CreateTeam(ctx, "Sales")
	if err != nil {
		t.Fatal(err)
	}
	e.teamA = teamA
	teamB, err := e.ib.CreateTeam(ctx, "Support")
	e.teamB = teamB
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range [][2]int64{{teamA, e.agentAID}, {teamB, e.agentBID}} {
		if err := e.ib.AddTeamMember(ctx, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	contacts := crm.NewStore(e.pool)
	conv := func(name, phone string, team, assignee int64) int64 {
		id := e.ingest(t, smsIn(e.sms, phone, name, "hello from "+name))
		c, err := e.ib.Conversation(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := contacts.SetName(ctx, c.ContactID, name); err != nil {
			t.Fatal(err)
		}
		if err := e.ib.SetTeam(ctx, 0, id, team); err != nil {
			t.Fatal(err)
		}
		if err := e.ib.Assign(ctx, 0, id, assignee); err != nil {
			t.Fatal(err)
		}
		return id
	}
	e.convA = conv("Aria-of-Sales", "+989120000001", teamA, 0)
	e.convB = conv("Bahar-of-Support", "+989120000002", teamB, 0)
	e.convNo = conv("Nima-of-no-team", "+989120000003", 0, 0)
	e.convBtoA = conv("Dara-handed-to-A", "+989120000004", teamB, e.agentAID)
	b, err := e.ib.Conversation(ctx, e.convB)
	if err != nil {
		t.Fatal(err)
	}
	e.contactB = b.ContactID
	// Bahar also called the PBX: that conversation is Sales's.
	pbx, err := e.ib.CreateChannel(ctx, channels.Phone, "PBX", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.callB = e.ingest(t, channels.Inbound{ChannelID: pbx, ExternalID: "call-b", Kind: channels.KindCall,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "+989120000002"}, SentAt: time.Now(),
		Call: &channels.Call{Disposition: "ANSWERED", Duration: time.Minute}})
	if err := e.ib.SetTeam(ctx, 0, e.callB, teamA); err != nil {
		t.Fatal(err)
	}
	return e
}

// setVisibility stores the team_visibility setting.
func (e *teamsEnv) setVisibility(t *testing.T, on bool) {
	t.Helper()
	v := "off"
	if on {
		v = "on"
	}
	if _, err := e.ib.SetSetting(context.Background(), e.adminID, inbox.SettingTeamVisibility, v); err != nil {
		t.Fatal(err)
	}
}

// listed returns which of the conversations the inbox of token lists
// (all statuses): A, B, none, BtoA (B's handed to A) and callB (Bahar's
// call, Sales's).
func (e *teamsEnv) listed(t *testing.T, token, query string) string {
	t.Helper()
	status, body := e.call(t, "GET", "/api/v1/conversations?status=all"+query, token, "")
	if status != 200 {
		t.Fatalf("list: %d %s", status, body)
	}
	return e.which(body, `"id":%d,"ref"`)
}

// which names the conversations whose id, put in format, body holds.
func (e *teamsEnv) which(body, format string) string {
	var names []string
	for _, c := range []struct {
		name string
		id   int64
	}{{"A", e.convA}, {"B", e.convB}, {"none", e.convNo}, {"BtoA", e.convBtoA}, {"callB", e.callB}} {
		if strings.Contains(body, fmt.Sprintf(format, c.id)) {
			names = append(names, c.name)
		}
	}
	return strings.Join(names, " ")
}

func TestTeamVisibilityAPI(t *testing.T) {
	t.Parallel()
	e := newTeamsEnv(t)
	conv := func(id int64) string { return fmt.Sprintf("/api/v1/conversations/%d", id) }
	reply := `{"text":"on it"}`

	t.Run("off by default: every agent sees everything", func(t *testing.T) {
		all := "A B none BtoA callB"
		for _, tok := range []string{e.agentA, e.agentB, e.admin} {
			if got := e.listed(t, tok, ""); got != all {
				t.Errorf("listed %q, want %q", got, all)
			}
		}
		e.run(t, []apiStep{
			{"agent A reads B's", "GET", conv(e.convB), e.agentA, "", 200, `"Bahar-of-Support"`},
			{"agent A replies on B's", "POST", conv(e.convB) + "/messages", e.agentA, reply, 201, `"queued"`},
		})
	})

	e.setVisibility(t, true)
	t.Run("on: lists", func(t *testing.T) {
		for _, c := range []struct {
			who, token, query, want string
		}{
			{"agent A", e.agentA, "", "A none BtoA callB"},
			{"agent B", e.agentB, "", "B none BtoA"},
			{"admin", e.admin, "", "A B none BtoA callB"},
			{"agent A searching Bahar", e.agentA, "&q=Bahar", "callB"},
			{"agent A searching Bahar's number", e.agentA, "&q=09120000002", "callB"},
			{"agent B searching Bahar", e.agentB, "&q=Bahar", "B"},
			{"agent A searching Dara", e.agentA, "&q=Dara", "BtoA"},
			{"agent B searching Dara (their team's)", e.agentB, "&q=Dara", "BtoA"},
			{"agent B searching Aria", e.agentB, "&q=Aria", ""},
			{"agent A's unassigned", e.agentA, "&assignee=none", "A none callB"},
			{"agent A asking for B's team", e.agentA, fmt.Sprintf("&team=%d", e.teamB), "BtoA"},
		} {
			t.Run(c.who, func(t *testing.T) {
				if got := e.listed(t, c.token, c.query); got != c.want {
					t.Errorf("listed %q, want %q", got, c.want)
				}
			})
		}
	})
	t.Run("on: reads and actions", func(t *testing.T) {
		e.run(t, []apiStep{
			{"A reads own team's", "GET", conv(e.convA), e.agentA, "", 200, `"Aria-of-Sales"`},
			{"A reads no team's", "GET", conv(e.convNo), e.agentA, "", 200, `"Nima-of-no-team"`},
			{"A reads B's handed to A", "GET", conv(e.convBtoA), e.agentA, "", 200, `"Dara-handed-to-A"`},
			{"A may not read B's", "GET", conv(e.convB), e.agentA, "", 404, `"not_found"`},
			{"A may not list B's messages", "GET", conv(e.convB) + "/messages", e.agentA, "", 404, `"not_found"`},
			{"A may not reply on B's", "POST", conv(e.convB) + "/messages", e.agentA, reply, 404, `"not_found"`},
			{"A may not note on B's", "POST", conv(e.convB) + "/notes", e.agentA, `{"text":"x"}`, 404, `"not_found"`},
			{"A may not assign B's", "POST", conv(e.convB) + "/assign", e.agentA, fmt.Sprintf(`{"assignee_id":%d}`, e.agentAID), 404, `"not_found"`},
			{"A may not resolve B's", "POST", conv(e.convB) + "/status", e.agentA, `{"status":"resolved"}`, 404, `"not_found"`},
			{"A may not mark B's read", "POST", conv(e.convB) + "/read", e.agentA, "", 404, `"not_found"`},
			{"A replies on own team's", "POST", conv(e.convA) + "/messages", e.agentA, reply, 201, `"queued"`},
			{"A replies on no team's", "POST", conv(e.convNo) + "/messages", e.agentA, reply, 201, `"queued"`},
			{"B reads B's", "GET", conv(e.convB), e.agentB, "", 200, `"Bahar-of-Support"`},
			{"B replies on B's", "POST", conv(e.convB) + "/messages", e.agentB, reply, 201, `"queued"`},
			{"B may not read A's", "GET", conv(e.convA), e.agentB, "", 404, `"not_found"`},
			{"admin reads B's", "GET", conv(e.convB), e.admin, "", 200, `"Bahar-of-Support"`},
			{"admin replies on A's", "POST", conv(e.convA) + "/messages", e.admin, reply, 201, `"queued"`},
		})
		// Nothing was stored by the refused calls: B's conversation has
		// the one reply of the "off" run and agent B's.
		var replies int
		if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM messages WHERE conversation_id = $1 AND kind <> 'event' AND direction = 'out'`,
			e.convB).Scan(&replies); err != nil || replies != 2 {
			t.Errorf("B's conversation has %d replies (%v), want 2", replies, err)
		}
	})
	t.Run("on: schedules", func(t *testing.T) {
		due := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		later := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		remind := func(c int64) string {
			return fmt.Sprintf(`{"kind":"reminder","due_at":"%s","conversation_id":%d,"text":"call back"}`, due, c)
		}
		status, body := e.call(t, "POST", "/api/v1/schedules", e.agentB, remind(e.convB))
		var id int64
		if _, err := fmt.Sscanf(body, `{"id":%d`, &id); status != 201 || err != nil {
			t.Fatalf("B's reminder: %d %s", status, body)
		}
		sched := fmt.Sprintf("/api/v1/schedules/%d", id)
		e.run(t, []apiStep{
			{"A may not remind on B's", "POST", "/api/v1/schedules", e.agentA, remind(e.convB), 404, `"not_found"`},
			{"A may not list B's", "GET", fmt.Sprintf("/api/v1/schedules?conversation=%d", e.convB), e.agentA, "", 404, `"not_found"`},
			{"A may not move B's", "PATCH", sched, e.agentA, fmt.Sprintf(`{"due_at":"%s"}`, later), 404, `"not_found"`},
			{"A may not cancel B's", "DELETE", sched, e.agentA, "", 404, `"not_found"`},
			{"B moves their own", "PATCH", sched, e.agentB, fmt.Sprintf(`{"due_at":"%s"}`, later), 200, `"state":"pending"`},
			{"B cancels their own", "DELETE", sched, e.agentB, "", 204, ""},
			{"A reminds on own team's", "POST", "/api/v1/schedules", e.agentA, remind(e.convA), 201, `"kind":"reminder"`},
		})
	})
	t.Run("on: contact timeline and conversations", func(t *testing.T) {
		contact := fmt.Sprintf("/api/v1/contacts/%d", e.contactB)
		status, body := e.call(t, "GET", contact, e.agentA, "")
		if status != 200 || strings.Contains(body, fmt.Sprintf(`"conversation_id":%d`, e.convB)) ||
			!strings.Contains(body, fmt.Sprintf(`"conversation_id":%d`, e.callB)) ||
			strings.Contains(body, fmt.Sprintf(`"id":%d,"ref"`, e.convB)) {
			t.Errorf("agent A sees contact B with B's conversation, or without Sales's call: %d %s", status, body)
		}
		status, body = e.call(t, "GET", contact+"/timeline", e.agentA, "")
		if status != 200 || strings.Contains(body, "hello from Bahar") || !strings.Contains(body, `"kind":"call"`) {
			t.Errorf("agent A's timeline of contact B: %d %s", status, body)
		}
		status, body = e.call(t, "GET", contact+"/timeline", e.agentB, "")
		if status != 200 || !strings.Contains(body, "hello from Bahar") || strings.Contains(body, `"kind":"call"`) {
			t.Errorf("agent B's timeline of contact B: %d %s", status, body)
		}
		status, body = e.call(t, "GET", contact+"/timeline", e.admin, "")
		if status != 200 || !strings.Contains(body, "hello from Bahar") || !strings.Contains(body, `"kind":"call"`) {
			t.Errorf("admin's timeline of contact B: %d %s", status, body)
		}
	})

	t.Run("the setting through the API", func(t *testing.T) {
		e.run(t, []apiStep{
			{"agent may not read settings", "GET", "/api/v1/settings", e.agentA, "", 403, `"forbidden"`},
			{"agent may not turn it off", "PUT", "/api/v1/settings/team_visibility", e.agentA, `{"value":"off"}`, 403, `"forbidden"`},
			{"admin reads it", "GET", "/api/v1/settings", e.admin, "", 200, `{"key":"team_visibility","value":"on","stored":true}`},
			{"bad value", "PUT", "/api/v1/settings/team_visibility", e.admin, `{"value":"perhaps"}`, 400, `"invalid"`},
			{"unknown key", "PUT", "/api/v1/settings/colour", e.admin, `{"value":"on"}`, 404, `"not_found"`},
			{"admin turns it off", "PUT", "/api/v1/settings/team_visibility", e.admin, `{"value":"off"}`, 200, `"value":"off"`},
			{"A reads B's again", "GET", conv(e.convB), e.agentA, "", 200, `"Bahar-of-Support"`},
		})
	})
}

func TestTeamVisibilityPages(t *testing.T) {
	t.Parallel()
	e := newTeamsEnv(t)
	e.setVisibility(t, true)
	ctx := context.Background()
	token, sess, err := e.users.CreateSession(ctx, e.agentAID, auth.SessionInfo{UserAgent: "test"})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(e.url)
	jar.SetCookies(u, []*http.Cookie{{Name: "peyk_session", Value: token, Path: "/"}})
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		resp, err := client.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readBody(t, resp)
	}
	post := func(path string, form url.Values) int {
		form.Set("csrf_token", sess.CSRF)
		req, _ := http.NewRequest(http.MethodPost, e.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", e.url)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		return resp.StatusCode
	}

	status, body := get("/?status=all")
	if got := e.which(body, `href="/conversations/%d"`); status != 200 || got != "A none BtoA callB" {
		t.Errorf("inbox page of agent A: %d, lists %q", status, got)
	}
	if status, body = get("/inbox/list?status=all&q=Bahar"); status != 200 || e.which(body, `href="/conversations/%d"`) != "callB" {
		t.Errorf("agent A's search for Bahar: %d, lists %q", status, e.which(body, `href="/conversations/%d"`))
	}
	if status, _ = get(fmt.Sprintf("/conversations/%d", e.convB)); status != 404 {
		t.Errorf("agent A opens B's conversation: %d, want 404", status)
	}
	if status, _ = get(fmt.Sprintf("/conversations/%d/timeline", e.convB)); status != 404 {
		t.Errorf("agent A reads B's timeline: %d, want 404", status)
	}
	if status, _ = get(fmt.Sprintf("/conversations/%d", e.convA)); status != 200 {
		t.Errorf("agent A opens own team's conversation: %d", status)
	}
	if status = post(fmt.Sprintf("/conversations/%d/reply", e.convB), url.Values{"text": {"x"}}); status != 404 {
		t.Errorf("agent A replies on B's from the page: %d, want 404", status)
	}
	if status = post(fmt.Sprintf("/conversations/%d/note", e.convB), url.Values{"text": {"x"}}); status != 404 {
		t.Errorf("agent A notes on B's from the page: %d, want 404", status)
	}
	if status = post(fmt.Sprintf("/conversations/%d/reply", e.convA), url.Values{"text": {"x"}}); status != http.StatusSeeOther {
		t.Errorf("agent A replies on own team's from the page: %d, want 303", status)
	}
	status, body = get(fmt.Sprintf("/contacts/%d", e.contactB))
	if status != 200 || strings.Contains(body, "hello from Bahar") {
		t.Errorf("agent A's contact page of Bahar shows B's conversation: %d", status)
	}
}

func TestTeamVisibilityEvents(t *testing.T) {
	t.Parallel()
	e := newTeamsEnv(t)
	e.setVisibility(t, true)
	hub, _, _ := startHub(t, e.pool)
	srv := httptest.NewServer(web.New(web.Deps{Users: e.users, Sessions: e.users, Inbox: e.ib, Events: hub}).Handler())
	t.Cleanup(srv.Close)
	stream := func(token string) <-chan string {
		resp, lines := sseLines(t, srv.Client(), srv.URL+"/events", map[string]string{"Authorization": "Bearer " + token})
		if resp.StatusCode != 200 {
			t.Fatalf("stream: %d", resp.StatusCode)
		}
		waitLine(t, e.pool, lines, "", "retry: 3000")
		return lines
	}
	a, b, admin := stream(e.agentA), stream(e.agentB), stream(e.admin)
	// Other tests notify on the same database: message ids of our own.
	var mark int64
	if err := e.pool.QueryRow(context.Background(), `SELECT 1000000000 + (random() * 1e9)::bigint`).Scan(&mark); err != nil {
		t.Fatal(err)
	}
	evA := fmt.Sprintf(`{"type":"message.created","conversation_id":%d,"message_id":%d}`, e.convA, mark)
	evB := fmt.Sprintf(`{"type":"message.created","conversation_id":%d,"message_id":%d}`, e.convB, mark+1)
	notify := func() {
		for _, ev := range []string{evB, evA} { // B's first: A's stream must skip it before A's arrives
			if _, err := e.pool.Exec(context.Background(), `SELECT pg_notify($1, $2)`, inbox.NotifyChannel, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	// expect waits for want on lines, failing on never.
	expect := func(who string, lines <-chan string, want, never string) {
		t.Helper()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		deadline := time.After(15 * time.Second)
		for {
			select {
			case line := <-lines:
				if never != "" && strings.Contains(line, never) {
					t.Fatalf("%s got a hidden conversation's event: %s", who, line)
				}
				if strings.Contains(line, want) {
					return
				}
			case <-tick.C:
				notify()
			case <-deadline:
				t.Fatalf("%s: no %s within 15 s", who, want)
			}
		}
	}
	expect("agent A", a, evA, evB)
	expect("agent B", b, evB, evA)
	expect("admin", admin, evB, "")
	expect("admin", admin, evA, "")
}
