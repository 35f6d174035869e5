package inbox

import (
	"context"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
)

// TestIdentityColumn: an identity written to messages.identity reads back
// as the same typed value, colons in the value included.
func TestIdentityColumn(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	for _, id := range []channels.Identity{
		{Kind: channels.IdentityPhone, Value: "+989121234567"},
		{Kind: channels.IdentityEmail, Value: "sara@example.com"},
		{Kind: channels.IdentityTelegram, Value: "123456789"},
		{Kind: "sip", Value: "sip:100@pbx.example.com:5060"},
	} {
		t.Run(string(id.Kind), func(t *testing.T) {
			var got channels.Identity
			var matches bool
			err := pool.QueryRow(context.Background(), `SELECT `+identityKind("x.c")+`, `+identityValue("x.c")+`,
				`+identitySQL("$2::text", "$3::text")+` = x.c FROM (SELECT $1::text AS c) x`,
				identityColumn(id), string(id.Kind), id.Value).Scan(&got.Kind, &got.Value, &matches)
			if err != nil {
				t.Fatal(err)
			}
			if got != id || !matches {
				t.Fatalf("read back %+v (matches %v), want %+v", got, matches, id)
			}
		})
	}
}
