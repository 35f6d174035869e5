package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// inboxChannels is web.Channels on the real inbox, for any kind, with a
// connection test that fails for channels named "down".
type inboxChannels struct{ ib *inbox.Inbox }

func (c inboxChannels) List(ctx context.Context) ([]inbox.Channel, error) { return c.ib.Channels(ctx) }

func (c inboxChannels) Create(ctx context.Context, kind, name string, config json.RawMessage) (inbox.Channel, error) {
	id, err := c.ib.CreateChannel(ctx, channels.Kind(kind), name, config)
	if err != nil {
		return inbox.Channel{}, err
	}
	return c.ib.Channel(ctx, id)
}

func (c inboxChannels) Test(ctx context.Context, id int64) error {
	ch, err := c.ib.Channel(ctx, id)
	if err == nil && ch.Name == "down" {
		err = errors.New("imap login: authentication failed")
	}
	return err
}

func TestAPIAuthAndChannels(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	users := auth.NewStore(pool, 4)
	token := func(role string) string {
		u, err := users.CreateUser(ctx, auth.NewUser{Email: role + "@peyk.ir", Role: role, Password: "long enough"})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := users.CreateToken(ctx, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	admin, agent := token(auth.RoleAdmin), token(auth.RoleAgent)
	srv := httptest.NewServer(web.New(web.Deps{Users: users, Channels: inboxChannels{inbox.New(pool, inbox.Config{}, nil)},
		Segments: func(text string) any { return map[string]int{"characters": len([]rune(text))} }}).Handler())
	defer srv.Close()

	steps := []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"no token", "GET", "/api/v1/channels", "", "", 401, `"code":"unauthorized"`},
		{"bad token", "GET", "/api/v1/channels", "peyk_nope", "", 401, `"unauthorized"`},
		{"agent may not create", "POST", "/api/v1/channels", agent, `{"kind":"sms","name":"x"}`, 403, `"forbidden"`},
		{"admin creates", "POST", "/api/v1/channels", admin, `{"kind":"email","name":"support","config":{"from":"s@x.ir"}}`, 201, `"name":"support"`},
		{"admin creates one that fails", "POST", "/api/v1/channels", admin, `{"kind":"email","name":"down"}`, 201, `"down"`},
		{"bad body", "POST", "/api/v1/channels", admin, `{"kind":`, 400, `"invalid"`},
		{"unknown field", "POST", "/api/v1/channels", admin, `{"kind":"sms","name":"x","colour":1}`, 400, `unknown field`},
		{"no kind", "POST", "/api/v1/channels", admin, `{"name":"x"}`, 400, `"invalid"`},
		{"agent lists", "GET", "/api/v1/channels", agent, "", 200, `"support"`},
		{"test ok", "POST", "/api/v1/channels/1/test", admin, "", 200, `"ok":true`},
		{"test fails", "POST", "/api/v1/channels/2/test", admin, "", 200, `authentication failed`},
		{"test unknown", "POST", "/api/v1/channels/99/test", admin, "", 404, `"not_found"`},
		{"test bad id", "POST", "/api/v1/channels/x/test", admin, "", 400, `"invalid"`},
		{"agent may not test", "POST", "/api/v1/channels/1/test", agent, "", 403, `"forbidden"`},
		{"no such route", "GET", "/api/v1/nothing", admin, "", 404, `"not_found"`},
		{"segments", "POST", "/api/v1/sms/segments", agent, `{"text":"سلام"}`, 200, `"characters":4`},
		{"segments without token", "POST", "/api/v1/sms/segments", "", `{"text":"x"}`, 401, `"unauthorized"`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			req, _ := http.NewRequest(s.method, srv.URL+s.path, strings.NewReader(s.body))
			if s.token != "" {
				req.Header.Set("Authorization", "Bearer "+s.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body json.RawMessage
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != s.status || !strings.Contains(string(body), s.want) {
				t.Fatalf("%d %s; want %d with %s", resp.StatusCode, body, s.status, s.want)
			}
		})
	}
}
