package phonelog_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/phonelog"
)

// callLog is a Master.csv of n calls from callers customers in turn, a
// minute apart: missed, answered and busy calls in, and every fourth call
// out from extension 101 to the customer.
func callLog(n, callers int) string {
	var b strings.Builder
	dispositions := []string{"NO ANSWER", "ANSWERED", "BUSY"}
	for i := range n {
		customer := fmt.Sprintf("0935%07d", i%callers)
		src, dst := customer, "100"
		if i%4 == 3 {
			src, dst = "101", customer
		}
		at := fmt.Sprintf("2026-03-%02d %02d:%02d:00", 1+i/1440, i/60%24, i%60)
		fmt.Fprintf(&b, `"","%s","%s","from-trunk","""Customer %d"" <%s>","SIP/trunk-%08x","SIP/100-%08x","Dial","SIP/100,30,tT","%s","","%s",30,0,"%s","DOCUMENTATION","1772000000.%d",""`+"\n",
			src, dst, i%callers, src, i, i, at, at, dispositions[i%len(dispositions)], i)
	}
	return b.String()
}

// timelines describes every conversation and its messages, in id order,
// by caller: what a customer's timeline shows.
func (e env) timelines(t *testing.T) []string {
	t.Helper()
	rows, _ := e.pool.Query(context.Background(), `SELECT ci.value || ' ' || c.status || ' ' || c.unread || ' ' ||
			c.last_message_at || ' ' || COALESCE(c.waiting_since::text, '-') || ' ' || COALESCE(c.first_response_at::text, '-') ||
			' ' || m.direction || ' ' || m.external_id || ' ' || m.sent_at
		FROM messages m JOIN conversations c ON c.id = m.conversation_id
		JOIN contact_identities ci ON ci.contact_id = c.contact_id ORDER BY ci.value, m.id`)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// importString imports a call log through sink.
func (e env) importString(t *testing.T, log string, sink channels.Sink, opts phonelog.Options) (phonelog.Stats, error) {
	t.Helper()
	return e.importReader(t, strings.NewReader(log), sink, opts)
}

func (e env) importReader(t *testing.T, r io.Reader, sink channels.Sink, opts phonelog.Options) (phonelog.Stats, error) {
	t.Helper()
	rd, err := phonelog.NewReader(r, phonelog.Asterisk, e.phone, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	opts.Invalid = inboxInvalid
	return phonelog.Import(context.Background(), rd, sink, opts)
}

// TestImportPartsKeepCallersInOrder imports the calls of a few customers
// through two committers, in transactions of several parts: each
// customer's calls are stored in file order in one conversation, as the
// live ingest stores them one by one.
func TestImportPartsKeepCallersInOrder(t *testing.T) {
	t.Parallel()
	bulk, live := newEnv(t), newEnv(t)
	log := callLog(300, 7)
	st, err := bulk.importString(t, log, bulk.ib, phonelog.Options{BatchSize: 50, PartSize: 20, Parallel: 2})
	if err != nil || st.Imported != 300 {
		t.Fatalf("bulk: %+v, %v", st.Counts, err)
	}
	if st, err := live.importString(t, log, liveSink{live.ib}, phonelog.Options{BatchSize: 1, Parallel: 1}); err != nil || st.Imported != 300 {
		t.Fatalf("live: %+v, %v", st.Counts, err)
	}
	got, want := bulk.timelines(t), live.timelines(t)
	if len(got) != 300 || !slices.Equal(got, want) {
		t.Errorf("bulk timeline\n%s\nlive timeline\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := bulk.count(t, `SELECT count(*) FROM conversations`); n != 7 {
		t.Errorf("%d conversations for 7 customers", n)
	}
}

// failAfter reads r until n bytes have been read, then fails.
type failAfter struct {
	r io.Reader
	n int
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk gone")
	}
	n, err := f.r.Read(p[:min(len(p), f.n)])
	f.n -= n
	return n, err
}

// TestImportInterruptedThenAgain stops an import halfway through the file
// (some transactions committed), then imports the whole file: the result
// is that of one import, and a third import adds nothing.
func TestImportInterruptedThenAgain(t *testing.T) {
	t.Parallel()
	e, once := newEnv(t), newEnv(t)
	log := callLog(400, 9)
	opts := phonelog.Options{BatchSize: 60, PartSize: 15, Parallel: 2}
	first, err := e.importReader(t, &failAfter{strings.NewReader(log), len(log) / 2}, e.ib, opts)
	if err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Fatalf("interrupted import: %v", err)
	}
	if first.Imported == 0 || first.Imported >= 400 {
		t.Fatalf("the interrupted import stored %d calls, want some", first.Imported)
	}
	again, err := e.importString(t, log, e.ib, opts)
	if err != nil || again.Imported != 400-first.Imported || again.Duplicates != first.Imported {
		t.Fatalf("import again: %+v, %v; the first stored %d", again.Counts, err, first.Imported)
	}
	if _, err := once.importString(t, log, once.ib, opts); err != nil {
		t.Fatal(err)
	}
	if got, want := e.timelines(t), once.timelines(t); !slices.Equal(got, want) {
		t.Errorf("interrupted and resumed\n%s\nimported at once\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	third, err := e.importString(t, log, e.ib, opts)
	if err != nil || third.Imported != 0 || third.Duplicates != 400 {
		t.Errorf("third import: %+v, %v", third.Counts, err)
	}
	if n := e.count(t, `SELECT count(*) FROM messages`); n != 400 {
		t.Errorf("%d messages, want 400", n)
	}
}
