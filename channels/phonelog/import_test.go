package phonelog_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/phonelog"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

// env is a real inbox on its own PostgreSQL schema with one phone channel.
type env struct {
	pool  *pgxpool.Pool
	ib    *inbox.Inbox
	phone int64
}

func newEnv(t testing.TB) env {
	t.Helper()
	pool := dbtest.New(t)
	ib := inbox.New(pool, inbox.Config{}, nil)
	id, err := ib.CreateChannel(context.Background(), channels.Phone, "pbx", nil)
	if err != nil {
		t.Fatal(err)
	}
	return env{pool: pool, ib: ib, phone: id}
}

func (e env) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	return dbtest.Count(t, e.pool, sql, args...)
}

// timeline returns the messages of the one conversation of the contact
// with the phone number e164 on the phone channel.
func (e env) timeline(t *testing.T, e164 string) (inbox.Conversation, []inbox.Message) {
	t.Helper()
	ctx := context.Background()
	var contact int64
	err := e.pool.QueryRow(ctx, `SELECT contact_id FROM contact_identities WHERE kind = 'phone' AND value = $1`, e164).Scan(&contact)
	if err != nil {
		t.Fatalf("contact %s: %v", e164, err)
	}
	convs, err := e.ib.ContactConversations(ctx, contact)
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations of %s: %d, %v", e164, len(convs), err)
	}
	msgs, err := e.ib.Messages(ctx, convs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return convs[0], msgs
}

// inboxInvalid is the Invalid option the CLI passes with the real inbox.
func inboxInvalid(err error) bool { return errors.Is(err, inbox.ErrInvalid) }

func importFile(t *testing.T, e env, name string, format phonelog.Format, opts phonelog.Options) phonelog.Stats {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := phonelog.NewReader(f, format, e.phone, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	opts.Invalid = inboxInvalid
	st, err := phonelog.Import(context.Background(), rd, e.ib, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func errorLines(st phonelog.Stats) []int {
	var lines []int
	for _, e := range st.Errors {
		lines = append(lines, e.Line)
	}
	return lines
}

func TestImportMasterCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var progress []phonelog.Progress
	st := importFile(t, e, "testdata/Master.csv", phonelog.Asterisk, phonelog.Options{BatchSize: 3,
		Progress: func(p phonelog.Progress) { progress = append(progress, p) }})

	// Line 8 is internal and line 9 anonymous: both skipped, not bad.
	want := phonelog.Counts{Rows: 12, Imported: 8, Skipped: 2, Failed: 2}
	if st.Counts != want || !slices.Equal(errorLines(st), []int{5, 6}) {
		t.Fatalf("stats %+v, errors %v; want %+v and lines 5, 6", st.Counts, st.Errors, want)
	}
	if !strings.Contains(st.Errors[0].Error(), `line 5: start "2026-13-45 99:00:00" is not a date`) {
		t.Errorf("error %q", st.Errors[0].Error())
	}
	if n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1 AND kind = 'call'`, e.phone); n != 8 {
		t.Errorf("%d call messages, want 8", n)
	}
	last := progress[len(progress)-1]
	if fi, _ := os.Stat("testdata/Master.csv"); last.Bytes != fi.Size() || last.Counts != want || last.Line != 13 {
		t.Errorf("last progress %+v", last)
	}

	t.Run("caller's timeline", func(t *testing.T) {
		conv, msgs := e.timeline(t, "+989121234567")
		type entry struct {
			dir, text, disposition string
			duration, billable     int64
		}
		var got []entry
		for _, m := range msgs {
			if m.Kind != "call" || m.Call == nil {
				t.Fatalf("message %+v is not a call", m)
			}
			got = append(got, entry{m.Direction, m.Body, m.Call.Disposition, m.Call.Duration, m.Call.Billable})
		}
		want := []entry{
			{"in", "Answered call, 3m12s", "ANSWERED", 197, 192}, // line 1
			{"out", "Outgoing call, 2m0s", "ANSWERED", 128, 120}, // line 4
			{"in", "Missed call (failed)", "FAILED", 1, 0},       // line 12, in Persian digits
		}
		if !slices.Equal(got, want) {
			t.Errorf("timeline\n got %+v\nwant %+v", got, want)
		}
		if !msgs[0].SentAt.Equal(time.Date(2026, 3, 21, 5, 30, 0, 0, time.UTC)) {
			t.Errorf("first call at %s, want 09:00 Tehran", msgs[0].SentAt)
		}
		if conv.Status != inbox.StatusOpen {
			t.Errorf("conversation %s, want open (a missed call opens it)", conv.Status)
		}
		var name string
		if err := e.pool.QueryRow(context.Background(), `SELECT name FROM contacts WHERE id = $1`, conv.ContactID).Scan(&name); err != nil || name != "علی رضایی" {
			t.Errorf("contact name %q, %v", name, err)
		}
	})
	t.Run("one uniqueid, two CDRs", func(t *testing.T) {
		_, msgs := e.timeline(t, "+989127778899")
		if len(msgs) != 2 || msgs[0].Call.Disposition != "NO ANSWER" || msgs[1].Call.Disposition != "ANSWERED" {
			t.Errorf("queue call: %+v", msgs)
		}
	})
	t.Run("again adds nothing", func(t *testing.T) {
		st := importFile(t, e, "testdata/Master.csv", phonelog.Auto, phonelog.Options{})
		want := phonelog.Counts{Rows: 12, Duplicates: 8, Skipped: 2, Failed: 2}
		if st.Counts != want {
			t.Errorf("second import %+v, want %+v", st.Counts, want)
		}
		if n := e.count(t, `SELECT count(*) FROM messages WHERE channel_id = $1`, e.phone); n != 8 {
			t.Errorf("%d messages after importing twice, want 8", n)
		}
	})
}

func TestImportGenericCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := importFile(t, e, "testdata/calls.csv", phonelog.Auto, phonelog.Options{})
	if want := (phonelog.Counts{Rows: 6, Imported: 4, Failed: 2}); st.Counts != want || !slices.Equal(errorLines(st), []int{6, 7}) {
		t.Fatalf("stats %+v %v", st.Counts, st.Errors)
	}
	_, msgs := e.timeline(t, "+989121234567")
	if len(msgs) != 2 || msgs[0].Call.RecordingURL != "https://rec.example.com/c-1.mp3" || msgs[1].Direction != "out" {
		t.Errorf("timeline %+v", msgs)
	}
	st = importFile(t, e, "testdata/calls.csv", phonelog.Generic, phonelog.Options{})
	if st.Imported != 0 || st.Duplicates != 4 {
		t.Errorf("second import %+v", st.Counts)
	}
}

// cdrRows generates n Master.csv rows from distinct callers, with the
// lines in bad replaced by a caller the inbox rejects.
func cdrRows(n int, bad ...int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		src := fmt.Sprintf("0912%07d", i)
		if slices.Contains(bad, i) {
			src = "+44 1234" // looks like a number, but the inbox rejects it
		}
		fmt.Fprintf(&b, `"","%s","100","from-trunk","""Caller %d"" <%s>","SIP/trunk-%08x","SIP/100-%08x","Dial","SIP/100,30,tT","2026-03-21 09:%02d:%02d","","2026-03-21 09:%02d:%02d",%d,0,"NO ANSWER","DOCUMENTATION","1774069200.%d",""`+"\n",
			src, i, src, i, i, i/60%60, i%60, i/60%60, i%60, i%30, i)
	}
	return b.String()
}

func TestImportRowsTheInboxRejects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rd, err := phonelog.NewReader(strings.NewReader(cdrRows(50, 7, 33)), phonelog.Asterisk, e.phone, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	st, err := phonelog.Import(context.Background(), rd, e.ib, phonelog.Options{BatchSize: 20, Invalid: inboxInvalid})
	if err != nil {
		t.Fatal(err)
	}
	if want := (phonelog.Counts{Rows: 50, Imported: 48, Failed: 2}); st.Counts != want || !slices.Equal(errorLines(st), []int{7, 33}) {
		t.Fatalf("stats %+v, errors %v", st.Counts, st.Errors)
	}
	if !strings.Contains(st.Errors[0].Error(), "line 7: ") || !strings.Contains(st.Errors[0].Error(), "+44 1234") {
		t.Errorf("error %q", st.Errors[0].Error())
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 48 {
		t.Errorf("%d messages, want 48", n)
	}
}

func TestImportStops(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name      string
		channelID int64
		sink      channels.Sink
		want      string
	}{
		{"no such channel", 99999, e.ib, "channel that does not exist"},
		{"database down", e.phone, failSink{errors.New("connection refused")}, "connection refused"},
		{"cancelled", e.phone, failSink{context.Canceled}, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := phonelog.NewReader(strings.NewReader(cdrRows(10)), phonelog.Asterisk, tt.channelID, testConfig)
			if err != nil {
				t.Fatal(err)
			}
			st, err := phonelog.Import(context.Background(), rd, tt.sink, phonelog.Options{BatchSize: 4, Invalid: inboxInvalid})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			if st.Imported != 0 || st.Failed != 0 {
				t.Errorf("stats %+v: rows failing for a reason not theirs are not row errors", st.Counts)
			}
		})
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Errorf("%d messages stored", n)
	}
}

// failSink fails every Ingest.
type failSink struct{ err error }

func (s failSink) Ingest(context.Context, []channels.Inbound) error { return s.err }

// countSink counts what it is given, like a sink that cannot tell new from
// old.
type countSink struct{ n int }

func (s *countSink) Ingest(_ context.Context, b []channels.Inbound) error {
	s.n += len(b)
	return nil
}

func TestImportPlainSink(t *testing.T) {
	rd, err := phonelog.NewReader(strings.NewReader(cdrRows(2500)), phonelog.Asterisk, 7, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	sink := &countSink{}
	st, err := phonelog.Import(context.Background(), rd, sink, phonelog.Options{Parallel: 1})
	if err != nil || st.Imported != 2500 || sink.n != 2500 {
		t.Errorf("stats %+v, sink %d, %v", st.Counts, sink.n, err)
	}
}

// liveSink hides the inbox's bulk path: Import then goes through Ingest.
type liveSink struct{ ib *inbox.Inbox }

func (s liveSink) Ingest(ctx context.Context, b []channels.Inbound) error { return s.ib.Ingest(ctx, b) }

func (s liveSink) IngestCount(ctx context.Context, b []channels.Inbound) (int, error) {
	return s.ib.IngestCount(ctx, b)
}

// TestImportBulkMatchesLive imports the same file through the bulk path
// and through the live ingest: same stats, same bad lines, same timelines.
func TestImportBulkMatchesLive(t *testing.T) {
	t.Parallel()
	bulk, live := newEnv(t), newEnv(t)
	var stats []phonelog.Stats
	for _, sink := range []channels.Sink{bulk.ib, liveSink{live.ib}} {
		f, err := os.Open("testdata/Master.csv")
		if err != nil {
			t.Fatal(err)
		}
		rd, err := phonelog.NewReader(f, phonelog.Asterisk, bulk.phone, testConfig)
		if err != nil {
			t.Fatal(err)
		}
		st, err := phonelog.Import(context.Background(), rd, sink, phonelog.Options{Invalid: inboxInvalid})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		stats = append(stats, st)
	}
	if stats[0].Counts != stats[1].Counts || !slices.Equal(errorLines(stats[0]), errorLines(stats[1])) {
		t.Errorf("bulk %+v %v, live %+v %v", stats[0].Counts, errorLines(stats[0]), stats[1].Counts, errorLines(stats[1]))
	}
	const timeline = `SELECT ci.value || ' ' || c.status || ' ' || c.unread || ' ' || m.direction || ' ' || m.body || ' ' ||
			m.call::text || ' ' || m.sent_at || ' ' || m.external_id
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		JOIN contact_identities ci ON ci.contact_id = c.contact_id ORDER BY ci.value, m.id`
	var got [2][]string
	for i, e := range []env{bulk, live} {
		rows, _ := e.pool.Query(context.Background(), timeline)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		got[i] = lines
	}
	if len(got[0]) != 8 || !slices.Equal(got[0], got[1]) {
		t.Errorf("bulk timeline\n%s\nlive timeline\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
	}
}

// TestImportBulkBatchOfBadRows imports a file whose last batch holds only
// rows the inbox rejects: they are reported and the import goes on.
func TestImportBulkBatchOfBadRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rd, err := phonelog.NewReader(strings.NewReader(cdrRows(6, 5, 6)), phonelog.Asterisk, e.phone, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	st, err := phonelog.Import(context.Background(), rd, e.ib, phonelog.Options{BatchSize: 2, Parallel: 1, Invalid: inboxInvalid})
	if err != nil {
		t.Fatal(err)
	}
	if want := (phonelog.Counts{Rows: 6, Imported: 4, Failed: 2}); st.Counts != want || !slices.Equal(errorLines(st), []int{5, 6}) {
		t.Fatalf("stats %+v, errors %v", st.Counts, st.Errors)
	}
}
