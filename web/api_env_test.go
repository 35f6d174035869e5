package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/crm/tags"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/inbox/kpi"
	"github.com/peykhq/peyk/templates"
	"github.com/peykhq/peyk/templates/canned"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
	"github.com/peykhq/peyk/workers/redistest"
)

// apiEnv is a server with every API dependency on a real database and
// Redis, an admin and an agent with tokens, and an SMS and an e-mail
// channel.
type apiEnv struct {
	pool             *pgxpool.Pool
	ib               *inbox.Inbox
	srv              *web.Server
	url              string
	redis            asynq.RedisConnOpt
	admin, agent     string // tokens
	adminID, agentID int64
	sms, mail        int64
	users            *auth.Store
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	ctx := context.Background()
	e := &apiEnv{pool: dbtest.New(t)}
	e.ib = inbox.New(e.pool, inbox.Config{}, nil)
	e.users = auth.NewStore(e.pool, 4)
	e.admin, e.adminID = e.user(t, auth.RoleAdmin)
	e.agent, e.agentID = e.user(t, auth.RoleAgent)
	ropt := redistest.New(t)
	e.redis = asynq.RedisClientOpt{Addr: ropt.Addr, DB: ropt.DB, Password: ropt.Password}
	queue := asynq.NewClient(e.redis)
	t.Cleanup(func() { queue.Close() })
	var err error
	if e.sms, err = e.ib.CreateChannel(ctx, channels.SMS, "sms", nil); err != nil {
		t.Fatal(err)
	}
	if e.mail, err = e.ib.CreateChannel(ctx, channels.Email, "support", map[string]string{"from": "support@peyk.ir"}); err != nil {
		t.Fatal(err)
	}
	e.srv = web.New(web.Deps{Users: e.users, Sessions: e.users, Accounts: e.users, Inbox: e.ib, Contacts: crm.NewStore(e.pool),
		Templates: templates.NewStore(e.pool), Canned: canned.NewStore(e.pool), Tags: tags.NewStore(e.pool), Queue: queue, Channels: inboxChannels{e.ib},
		Segments: func(text string) any { return len(text) }, Reports: kpi.New(e.pool)})
	hs := httptest.NewServer(e.srv.Handler())
	t.Cleanup(hs.Close)
	e.url = hs.URL
	return e
}

// user creates a user of role and returns an API token and the id.
func (e *apiEnv) user(t *testing.T, role string) (string, int64) {
	t.Helper()
	ctx := context.Background()
	u, err := e.users.CreateUser(ctx, auth.NewUser{Email: role + "@peyk.ir", Name: strings.ToUpper(role[:1]) + role[1:],
		Role: role, Password: "long enough"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.users.CreateToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok, u.ID
}

// ingest stores messages as a channel would and returns the conversation
// of the last one.
func (e *apiEnv) ingest(t *testing.T, in ...channels.Inbound) int64 {
	t.Helper()
	ctx := context.Background()
	if err := e.ib.Ingest(ctx, in); err != nil {
		t.Fatal(err)
	}
	last := in[len(in)-1]
	var conv int64
	if err := e.pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE channel_id = $1 AND external_id = $2`,
		last.ChannelID, last.ExternalID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	return conv
}

// call sends a request with an optional bearer token and JSON body and
// returns the status and the body.
func (e *apiEnv) call(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	return resp.StatusCode, string(raw)
}

// apiStep is one request of a table test and what its answer must hold.
type apiStep struct {
	name, method, path, token, body string
	status                          int
	want                            string
}

// run sends the steps in order, each a subtest.
func (e *apiEnv) run(t *testing.T, steps []apiStep) {
	t.Helper()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			status, body := e.call(t, s.method, s.path, s.token, s.body)
			if status != s.status || !strings.Contains(body, s.want) {
				t.Fatalf("%s %s: %d %s; want %d with %s", s.method, s.path, status, body, s.status, s.want)
			}
			if status >= 400 && !strings.Contains(body, `"error":{"code":`) {
				t.Fatalf("error without the error shape: %s", body)
			}
		})
	}
}

// sms returns an inbound SMS from phone.
func smsIn(ch int64, phone, ext, text string) channels.Inbound {
	return channels.Inbound{ChannelID: ch, ExternalID: ext, Kind: channels.KindText,
		From: channels.Identity{Kind: channels.IdentityPhone, Value: phone}, Text: text}
}
