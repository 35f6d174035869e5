package phonelog_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/phonelog"
)

// cdr is one Master.csv row of a call-back scenario: "C" in src and dst
// stands for the scenario's customer.
type cdr struct {
	src, dst, name string
	ago            time.Duration // how long before now the call started
	disposition    string
}

// masterCSV writes rows as Master.csv lines for the customer number,
// with times in the channel's zone.
func masterCSV(customer string, now time.Time, rows []cdr) string {
	var b strings.Builder
	for i, r := range rows {
		num := func(s string) string { return strings.ReplaceAll(s, "C", customer) }
		src, dst := num(r.src), num(r.dst)
		clid := ""
		if r.name != "" || src != "" {
			clid = fmt.Sprintf(`""%s"" <%s>`, r.name, src)
		}
		start := now.Add(-r.ago).In(tehran).Format("2006-01-02 15:04:05")
		fmt.Fprintf(&b, `"","%s","%s","from-trunk","%s","SIP/trunk-1","SIP/100-1","Dial","SIP/100","%s","","%s",30,0,"%s","DOCUMENTATION","%s.%d",""`+"\n",
			src, dst, clid, start, start, r.disposition, customer, i)
	}
	return b.String()
}

// callBack is a call-back reminder as a test sees it.
type callBack struct {
	state string
	open  bool // it still holds the customer's call-back key
	text  string
	id    int64
	due   time.Time
}

// callBacks returns the call-back reminders of the contact with the phone
// number e164, oldest first.
func (e env) callBacks(t *testing.T, e164 string) []callBack {
	t.Helper()
	rows, _ := e.pool.Query(context.Background(), `SELECT s.state, s.dedupe IS NOT NULL, s.payload->>'text', s.id, s.due_at
		FROM schedules s JOIN contact_identities ci ON ci.contact_id = s.contact_id
		WHERE ci.kind = 'phone' AND ci.value = $1 AND s.kind = 'reminder' AND s.payload->>'callback' = 'true'
		ORDER BY s.id`, e164)
	var out []callBack
	var c callBack
	_, err := pgx.ForEachRow(rows, []any{&c.state, &c.open, &c.text, &c.id, &c.due}, func() error {
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// feed stores the Master.csv text through the channel as live call events
// would come (one Ingest per call, in file order) or as peyk import-calls
// does (one bulk import), and returns the import's counts.
func (e env) feed(t *testing.T, channel int64, csv string, live bool) phonelog.Counts {
	t.Helper()
	ctx := context.Background()
	rd, err := phonelog.NewReader(strings.NewReader(csv), phonelog.Asterisk, channel, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	if !live {
		st, err := phonelog.Import(ctx, rd, e.ib, phonelog.Options{Invalid: inboxInvalid})
		if err != nil || st.Failed > 0 {
			t.Fatalf("import: %+v %v", st, err)
		}
		return st.Counts
	}
	var c phonelog.Counts
	for {
		in, err := rd.Next()
		if err == io.EOF {
			c.Rows, c.Skipped = rd.Rows(), rd.Skipped()
			return c
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ib.Ingest(ctx, []channels.Inbound{in}); err != nil {
			t.Fatal(err)
		}
		c.Imported++
	}
}

// TestCallBackReminders: a customer whose call was missed gets one
// call-back reminder however many times they called, until an answered
// call with them, inbound or outbound, at or after the missed one; an
// internal or unknown caller gets none, and a CLID name "Unknown" names no
// contact. Each case runs through live ingest (one call at a time) and
// through a bulk import of the same rows.
func TestCallBackReminders(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second)
	m := time.Minute
	in := func(ago time.Duration, disposition string) cdr { return cdr{"C", "100", "Reza", ago, disposition} }
	out := func(ago time.Duration, disposition string) cdr { return cdr{"101", "C", "Reception", ago, disposition} }
	tests := []struct {
		name string
		rows []cdr
		// reminders is how many call-back reminders the customer got,
		// live and imported; open is whether one is still open
		// (pending, or fired and not returned).
		live, imported int
		open           bool
		text           string // the open reminder's text ("%s": the number), if given
		contact        string // the customer's contact name ("-": no contact), if given
		skipped        int
	}{
		{name: "one missed call", rows: []cdr{in(60*m, "NO ANSWER")},
			live: 1, imported: 1, open: true, text: "Call back Reza (missed call)", contact: "Reza"},
		{name: "two missed calls, one reminder", rows: []cdr{in(60*m, "NO ANSWER"), in(30*m, "BUSY")},
			live: 1, imported: 1, open: true},
		{name: "three missed calls, one reminder", rows: []cdr{in(90*m, "NO ANSWER"), in(60*m, "FAILED"), in(30*m, "CONGESTION")},
			live: 1, imported: 1, open: true},
		{name: "an answered inbound call cancels it", rows: []cdr{in(60*m, "NO ANSWER"), in(30*m, "BUSY"), in(20*m, "ANSWERED")},
			live: 1, imported: 0},
		{name: "an answered outbound call cancels it", rows: []cdr{in(60*m, "NO ANSWER"), out(20*m, "ANSWERED")},
			live: 1, imported: 0},
		{name: "an unanswered outbound call does not", rows: []cdr{in(60*m, "NO ANSWER"), out(20*m, "NO ANSWER")},
			live: 1, imported: 1, open: true},
		{name: "an answered call before the missed one does not", rows: []cdr{in(90*m, "ANSWERED"), in(60*m, "NO ANSWER")},
			live: 1, imported: 1, open: true},
		{name: "an older answered call stored after it does not", rows: []cdr{in(60*m, "NO ANSWER"), out(90*m, "ANSWERED")},
			live: 1, imported: 1, open: true},
		{name: "a missed call stored after the call that returned it asks for none",
			rows: []cdr{out(20*m, "ANSWERED"), in(60*m, "NO ANSWER")}, live: 0, imported: 0},
		{name: "returned, then missed again: a new reminder",
			rows: []cdr{in(120*m, "NO ANSWER"), out(90*m, "ANSWERED"), in(30*m, "NO ANSWER")}, live: 2, imported: 1, open: true},
		{name: "a missed call of yesterday asks for none", rows: []cdr{in(30*time.Hour, "NO ANSWER")}, live: 0, imported: 0},
		{name: "internal caller", rows: []cdr{{"101", "102", "Reception", 30 * m, "NO ANSWER"}, {"102", "100", "", 20 * m, "BUSY"}},
			live: 0, imported: 0, contact: "-", skipped: 2},
		{name: "unknown caller", rows: []cdr{{"anonymous", "100", "Anonymous", 30 * m, "NO ANSWER"},
			{"Unknown", "100", "Unknown", 25 * m, "NO ANSWER"}, {"", "100", "", 20 * m, "BUSY"}},
			live: 0, imported: 0, contact: "-", skipped: 3},
		{name: "Unknown CLID name", rows: []cdr{{"C", "100", "Unknown", 30 * m, "NO ANSWER"}},
			live: 1, imported: 1, open: true, text: "Call back %s (missed call)", contact: "(none)"},
	}
	for _, mode := range []string{"live", "imported"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			for i, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					customer := fmt.Sprintf("0938%07d", i+1)
					e164 := "+98" + customer[1:]
					counts := e.feed(t, e.phone, masterCSV(customer, now, tt.rows), mode == "live")
					if counts.Skipped != tt.skipped {
						t.Errorf("%d skipped, want %d", counts.Skipped, tt.skipped)
					}
					cbs := e.callBacks(t, e164)
					want := tt.live
					if mode == "imported" {
						want = tt.imported
					}
					open := slices.IndexFunc(cbs, func(c callBack) bool { return c.open })
					if len(cbs) != want || (open >= 0) != tt.open {
						t.Fatalf("call backs %+v, want %d, open %v", cbs, want, tt.open)
					}
					for i, c := range cbs {
						wantState := "cancelled" // returned before it fired
						if i == open {
							wantState = "pending"
						}
						if c.state != wantState {
							t.Errorf("call back %d is %s, want %s", i, c.state, wantState)
						}
					}
					if text := strings.ReplaceAll(tt.text, "%s", e164); text != "" && cbs[open].text != text {
						t.Errorf("text %q, want %q", cbs[open].text, text)
					}
					var name string
					err := e.pool.QueryRow(context.Background(), `SELECT c.name FROM contacts c
						JOIN contact_identities ci ON ci.contact_id = c.id WHERE ci.kind = 'phone' AND ci.value = $1`, e164).Scan(&name)
					if err == pgx.ErrNoRows {
						name = "-"
					} else if err != nil {
						t.Fatal(err)
					}
					if want := strings.Replace(tt.contact, "(none)", "", 1); tt.contact != "" && name != want {
						t.Errorf("contact name %q, want %q", name, want)
					}
				})
			}
			if n := e.count(t, `SELECT count(*) FROM contacts WHERE name ILIKE 'unknown' OR name ILIKE 'anonymous'`); n != 0 {
				t.Errorf("%d contacts named Unknown or Anonymous", n)
			}
		})
	}
}

// TestCallBackRecipients: a call-back reminder tells the conversation's
// assignee; with none, the members of the conversation's team, else of
// the phone channel's team (its config's team_id), else the admins, so
// that someone is told; only active users are told.
func TestCallBackRecipients(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	user := func(name, role string, active bool) int64 {
		var id int64
		if err := e.pool.QueryRow(ctx, `INSERT INTO users (email, name, role, active) VALUES ($1, $2, $3, $4) RETURNING id`,
			name+"@peyk.test", name, role, active).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	team := func(name string, members ...int64) int64 {
		id, err := e.ib.CreateTeam(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			if err := e.ib.AddTeamMember(ctx, id, m); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	admin := user("admin", "admin", true)
	user("gone", "admin", false) // an inactive admin is not told
	ali, sara, reza, mina, left := user("ali", "agent", true), user("sara", "agent", true), user("reza", "agent", true),
		user("mina", "agent", true), user("left", "agent", false)
	sales, support := team("sales", sara, reza, left), team("support", mina, left)
	teamPhone, err := e.ib.CreateChannel(ctx, channels.Phone, "support line", map[string]any{"team_id": support})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	tests := []struct {
		name     string
		channel  int64
		assignee int64
		team     int64
		want     []int64
	}{
		{"assignee", e.phone, ali, sales, []int64{ali}},
		{"no assignee: the conversation's team", teamPhone, 0, sales, []int64{sara, reza}},
		{"no assignee, no team: the channel's team", teamPhone, 0, 0, []int64{mina}},
		{"no assignee, no team, no channel team: the admins", e.phone, 0, 0, []int64{admin}},
		{"an inactive assignee: the channel's team", teamPhone, left, 0, []int64{mina}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			customer := fmt.Sprintf("0939%07d", i+1)
			// An answered call opens the conversation, which is then
			// assigned; a missed call asks for a call back.
			e.feed(t, tt.channel, masterCSV(customer, now, []cdr{{"C", "100", "", 60 * time.Minute, "ANSWERED"}}), true)
			conv := e.count(t, `SELECT conversation_id FROM messages WHERE identity = 'phone:' || $1::text LIMIT 1`, "+98"+customer[1:])
			if tt.assignee != 0 {
				if _, err := e.pool.Exec(ctx, `UPDATE conversations SET assignee_id = $2 WHERE id = $1`, conv, tt.assignee); err != nil {
					t.Fatal(err)
				}
			}
			if tt.team != 0 {
				if err := e.ib.SetTeam(ctx, 0, int64(conv), tt.team); err != nil {
					t.Fatal(err)
				}
			}
			e.feed(t, tt.channel, masterCSV(customer, now, []cdr{{"C", "100", "", 30 * time.Minute, "NO ANSWER"}}), true)
			cbs := e.callBacks(t, "+98"+customer[1:])
			if len(cbs) != 1 {
				t.Fatalf("call backs %+v", cbs)
			}
			f, err := e.ib.Fire(ctx, cbs[0].id, cbs[0].due, "")
			if err != nil || !f.Fired {
				t.Fatalf("fire: %+v %v", f, err)
			}
			rows, _ := e.pool.Query(ctx, `SELECT user_id FROM notifications WHERE conversation_id = $1 AND kind = 'reminder'
				AND body LIKE 'Reminder: Call back %' ORDER BY user_id`, conv)
			got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("told %v, want %v", got, tt.want)
			}
			if n := e.count(t, `SELECT count(*) FROM messages WHERE conversation_id = $1 AND kind = 'event'
				AND body LIKE 'Reminder: Call back%'`, conv); n != 1 {
				t.Errorf("%d reminders on the timeline, want 1", n)
			}
			// Fired, it stays the customer's open call back: another
			// missed call tells no one again.
			e.feed(t, tt.channel, masterCSV(customer, now, []cdr{{"C", "100", "", 10 * time.Minute, "BUSY"}}), true)
			if cbs := e.callBacks(t, "+98"+customer[1:]); len(cbs) != 1 || cbs[0].state != "done" || !cbs[0].open {
				t.Errorf("after another missed call: %+v", cbs)
			}
		})
	}
}

// TestCallBackStale: a fired call back stays the customer's open one (a
// further missed call tells no one again) until its missed call is more
// than a day old; the next missed call then opens a new one, and an
// answered call closes only the open one.
func TestCallBackStale(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	const customer, e164 = "09371234567", "+989371234567"
	missed := func(ago time.Duration) {
		t.Helper()
		e.feed(t, e.phone, masterCSV(customer, now, []cdr{{"C", "100", "", ago, "NO ANSWER"}}), true)
	}
	missed(2 * time.Hour)
	cbs := e.callBacks(t, e164)
	if len(cbs) != 1 {
		t.Fatalf("call backs %+v", cbs)
	}
	if f, err := e.ib.Fire(ctx, cbs[0].id, cbs[0].due, ""); err != nil || !f.Fired {
		t.Fatalf("fire: %+v %v", f, err)
	}
	missed(time.Hour)
	if cbs := e.callBacks(t, e164); len(cbs) != 1 || cbs[0].state != "done" || !cbs[0].open {
		t.Fatalf("a fired call back a missed call later: %+v", cbs)
	}
	// A day passes without a call back.
	if _, err := e.pool.Exec(ctx, `UPDATE schedules SET payload = jsonb_set(payload, '{call_at}', to_jsonb(now() - interval '25 hours'))
		WHERE id = $1`, cbs[0].id); err != nil {
		t.Fatal(err)
	}
	missed(30 * time.Minute)
	cbs = e.callBacks(t, e164)
	if len(cbs) != 2 || cbs[0].state != "done" || cbs[0].open || cbs[1].state != "pending" || !cbs[1].open {
		t.Fatalf("after a day: %+v, want the old one done and closed, a new one pending", cbs)
	}
	e.feed(t, e.phone, masterCSV(customer, now, []cdr{{"101", "C", "", 10 * time.Minute, "ANSWERED"}}), true)
	cbs = e.callBacks(t, e164)
	if len(cbs) != 2 || cbs[0].state != "done" || cbs[1].state != "cancelled" || cbs[1].open {
		t.Fatalf("after the call back: %+v", cbs)
	}
}
