package audit_test

import (
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox/audit"
)

// TestDecode: a payload field of the wrong type stays zero and the rest
// still decodes, as kpi_id (migrations 00012–00024) gave NULL for an id
// that was not a number instead of failing.
func TestDecode(t *testing.T) {
	cases := []struct {
		name string
		data string
		want audit.SLABreach
		ok   bool
	}{
		{"whole", `{"policy_id": 3, "to_user_id": 7}`, audit.SLABreach{PolicyID: 3, ToUserID: ptr(7)}, true},
		{"no agent", `{"policy_id": 3, "to_user_id": null}`, audit.SLABreach{PolicyID: 3}, true},
		{"an id that is no number", `{"policy_id": "x", "to_user_id": 7}`, audit.SLABreach{ToUserID: ptr(7)}, false},
		{"not JSON", `{`, audit.SLABreach{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got audit.SLABreach
			ok := audit.Decode([]byte(c.data), &got)
			if ok != c.ok || got.PolicyID != c.want.PolicyID || (got.ToUserID == nil) != (c.want.ToUserID == nil) ||
				(got.ToUserID != nil && *got.ToUserID != *c.want.ToUserID) {
				t.Fatalf("Decode(%s) = %+v, %v; want %+v, %v", c.data, got, ok, c.want, c.ok)
			}
		})
	}
}

func ptr(n int64) *int64 { return &n }

// TestLiteral: the SQL literal the ingest and the follow-ups embed is the
// type's JSON, quotes doubled.
func TestLiteral(t *testing.T) {
	for _, c := range []struct {
		name string
		data any
		want string
	}{
		{"a resolve", audit.Status{Status: "resolved"}, `'{"status":"resolved","until":null}'`},
		{"a quote", audit.Status{Status: "it's"}, `'{"status":"it''s","until":null}'`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := audit.Literal(c.data); got != c.want {
				t.Fatalf("Literal = %s, want %s", got, c.want)
			}
		})
	}
}

// TestReopenSQL: the Data that ReopenSQL builds in PostgreSQL decodes as
// Reopen, for each message id.
func TestReopenSQL(t *testing.T) {
	pool := dbtest.New(t)
	for _, c := range []struct {
		name string
		id   int64
	}{
		{"an id", 42}, {"a large id", 1 << 40},
	} {
		t.Run(c.name, func(t *testing.T) {
			var data []byte
			if err := pool.QueryRow(t.Context(), `SELECT `+audit.ReopenSQL("$1::bigint"), c.id).Scan(&data); err != nil {
				t.Fatal(err)
			}
			var got audit.Reopen
			if !audit.Decode(data, &got) || got != (audit.Reopen{MessageID: c.id}) {
				t.Errorf("%s decodes as %+v", data, got)
			}
		})
	}
}
