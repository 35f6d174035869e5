package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

const pbxConfig = `{"ours":["1XX"],"secret":"pbx-secret-0123456789","zone":"Asia/Tehran"}`

// ingestOne stores one inbound SMS-like message on channel ch, making a
// conversation.
func ingestOne(t *testing.T, ib *inbox.Inbox, ch int64, id string) {
	t.Helper()
	err := ib.Ingest(context.Background(), []channels.Inbound{{ChannelID: ch, ExternalID: id, Text: "salam",
		From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestChannelLifecycleCLI: update (merged: the secret left out keeps its
// value; settings that do not validate change nothing), test on a kind
// without a connection test, disable, enable, and delete, refused while
// the channel has conversations unless forced.
func TestChannelLifecycleCLI(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	dbf := "--database-url=" + url
	t.Setenv("PEYK_SECRET_KEY", "test key")
	if _, errOut, err := runCmd(t, ctx, "channel", "add", "phone", dbf, "--name", "pbx", "--config", pbxConfig); err != nil {
		t.Fatalf("channel add: %v %s", err, errOut)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ib := inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil)
	stored := func() (name, zone, secret string, enabled bool) {
		t.Helper()
		ch, err := ib.Channel(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		var cfg, sec struct{ Zone, Secret string }
		_ = json.Unmarshal(ch.Config, &cfg)
		if err := ib.Secrets(ctx, 1, &sec); err != nil {
			t.Fatal(err)
		}
		return ch.Name, cfg.Zone, sec.Secret, ch.Enabled
	}

	steps := []struct {
		args    []string
		wantErr bool
		out     string
		check   func(t *testing.T)
	}{
		{[]string{"update", "1", "--name", "pbx-main", "--config", `{"zone":"Europe/Berlin"}`}, false, `updated phone channel "pbx-main"`,
			func(t *testing.T) {
				if name, zone, secret, _ := stored(); name != "pbx-main" || zone != "Europe/Berlin" || secret != "pbx-secret-0123456789" {
					t.Fatalf("stored %q %q %q", name, zone, secret)
				}
			}},
		{[]string{"update", "1", "--config", `{"secret":"short"}`}, true, "", func(t *testing.T) {
			if _, _, secret, _ := stored(); secret != "pbx-secret-0123456789" {
				t.Fatalf("a refused update stored secret %q", secret)
			}
		}},
		{[]string{"update", "99", "--name", "x"}, true, "", nil},
		{[]string{"update", "1"}, true, "", nil},
		{[]string{"test", "1"}, false, "not applicable", nil},
		{[]string{"disable", "1"}, false, "disabled", func(t *testing.T) {
			if _, _, _, enabled := stored(); enabled {
				t.Fatal("still enabled")
			}
		}},
		{[]string{"enable", "1"}, false, "enabled", func(t *testing.T) {
			if _, _, _, enabled := stored(); !enabled {
				t.Fatal("still disabled")
			}
			ingestOne(t, ib, 1, "sms-1")
		}},
		{[]string{"delete", "1"}, true, "", func(t *testing.T) {
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM channels`); n != 1 {
				t.Fatalf("%d channels after a refused delete", n)
			}
		}},
		{[]string{"delete", "1", "--force"}, false, "1 conversations kept", func(t *testing.T) {
			if n := dbtest.Count(t, pool, `SELECT count(*) FROM conversations WHERE channel_id IS NULL`); n != 1 {
				t.Fatalf("%d conversations kept without a channel, want 1", n)
			}
		}},
		{[]string{"delete", "1"}, true, "", nil},
	}
	for _, s := range steps {
		t.Run(strings.Join(s.args, " "), func(t *testing.T) {
			out, errOut, err := runCmd(t, ctx, append(append([]string{"channel"}, s.args...), dbf)...)
			if (err != nil) != s.wantErr {
				t.Fatalf("err = %v (%s), want an error: %v", err, errOut, s.wantErr)
			}
			if !strings.Contains(out, s.out) {
				t.Fatalf("out = %q, want %q", out, s.out)
			}
			if s.args[0] == "delete" && s.wantErr && len(s.args) == 2 && s.check != nil &&
				!strings.Contains(err.Error(), "has 1 conversation(s)") {
				t.Fatalf("err = %v, want it to say how many conversations", err)
			}
			if s.check != nil {
				s.check(t)
			}
		})
	}
}

// TestChannelLifecycleAPI walks a channel through the API: a merged
// update keeps the secret it leaves out, a changed secret takes effect on
// the webhook at once (and in another process within hookTTL), a
// disabled channel's webhook answers 404 and its sends fail, the test of
// a kind without one is not applicable, and delete refuses while the
// channel has conversations unless forced.
func TestChannelLifecycleAPI(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin, other := newChannelAdmin(a), newChannelAdmin(a) // other: as in a second process
	users := auth.NewStore(pool, 4)
	u, err := users.CreateUser(ctx, auth.NewUser{Email: "admin@peyk.ir", Role: auth.RoleAdmin, Password: "long enough"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := users.CreateToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Deps{Users: users, Channels: admin, Webhooks: admin, Log: log}).Handler())
	defer srv.Close()
	otherSrv := httptest.NewServer(web.New(web.Deps{Webhooks: other, Log: log}).Handler())
	defer otherSrv.Close()

	api := func(method, path, body string) (int, string) {
		t.Helper()
		return httpCall(t, method, srv.URL+path, body, bearer(token)...)
	}
	n := 0
	hook := func(base, secret string) int {
		t.Helper()
		n++
		body := fmt.Sprintf(`{"id":"call-%d","direction":"in","from":"+989121234567","to":"101","disposition":"ANSWERED","duration":5}`, n)
		req, _ := http.NewRequest("POST", base+"/webhooks/1", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Peyk-Secret", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	const oldSecret, newSecret = "pbx-secret-0123456789", "new-secret-0123456789"

	if status, body := api("POST", "/api/v1/channels", `{"kind":"phone","name":"pbx","config":`+pbxConfig+`}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	steps := []struct {
		name, method, path, body string
		status                   int
		want                     string
		check                    func(t *testing.T)
	}{
		{"merge keeps the secret", "PATCH", "/api/v1/channels/1", `{"config":{"zone":"Europe/Berlin"}}`, 200, `"zone":"Europe/Berlin"`,
			func(t *testing.T) {
				if s := hook(srv.URL, oldSecret); s != 200 {
					t.Fatalf("webhook with the kept secret: %d", s)
				}
				if s := hook(otherSrv.URL, oldSecret); s != 200 { // the other process caches it
					t.Fatalf("other process: %d", s)
				}
			}},
		{"rename only", "PATCH", "/api/v1/channels/1", `{"name":"pbx-main"}`, 200, `"name":"pbx-main"`, nil},
		{"invalid settings", "PATCH", "/api/v1/channels/1", `{"config":{"zone":"Mars/Olympus"}}`, 400, `"invalid"`, nil},
		{"unknown channel", "PATCH", "/api/v1/channels/99", `{"name":"x"}`, 404, `"not_found"`, nil},
		{"new secret", "PATCH", "/api/v1/channels/1", `{"config":{"secret":"` + newSecret + `"}}`, 200, `"id":1`,
			func(t *testing.T) {
				if s := hook(srv.URL, oldSecret); s != 401 {
					t.Fatalf("old secret after the change: %d, want 401 at once", s)
				}
				if s := hook(srv.URL, newSecret); s != 200 {
					t.Fatalf("new secret: %d", s)
				}
				setClock(other.hooks, hookTTL)
				if s := hook(otherSrv.URL, newSecret); s != 200 {
					t.Fatalf("other process after hookTTL: %d, want the new secret to work", s)
				}
			}},
		{"disable", "POST", "/api/v1/channels/1/disable", ``, 200, `"enabled":false`,
			func(t *testing.T) {
				if s := hook(srv.URL, newSecret); s != 404 {
					t.Fatalf("webhook of a disabled channel: %d, want 404", s)
				}
				_, err := newSenders(a).Sender(ctx, 1)
				if !errors.Is(err, channels.ErrPermanent) || !strings.Contains(err.Error(), "disabled") {
					t.Fatalf("sender of a disabled channel: %v, want a permanent failure", err)
				}
			}},
		{"enable", "POST", "/api/v1/channels/1/enable", ``, 200, `"enabled":true`,
			func(t *testing.T) {
				if s := hook(srv.URL, newSecret); s != 200 {
					t.Fatalf("webhook after enable: %d", s)
				}
			}},
		{"test not applicable", "POST", "/api/v1/channels/1/test", ``, 200, `{"applicable":false,"ok":true}`, nil},
		{"delete refused", "DELETE", "/api/v1/channels/1", ``, 409, `has 1 conversation(s)`, nil},
		{"bad force", "DELETE", "/api/v1/channels/1?force=maybe", ``, 400, `"invalid"`, nil},
		{"delete forced", "DELETE", "/api/v1/channels/1?force=true", ``, 200, `"conversations":1`,
			func(t *testing.T) {
				if s := hook(srv.URL, newSecret); s != 404 {
					t.Fatalf("webhook of a deleted channel: %d", s)
				}
			}},
		{"delete again", "DELETE", "/api/v1/channels/1", ``, 404, `"not_found"`, nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			status, body := api(s.method, s.path, s.body)
			if status != s.status || !strings.Contains(body, s.want) {
				t.Fatalf("%s %s: %d %s; want %d with %s", s.method, s.path, status, body, s.status, s.want)
			}
			if strings.Contains(body, "secret-0123456789") {
				t.Fatalf("the answer shows a secret: %s", body)
			}
			if s.check != nil {
				s.check(t)
			}
		})
	}
}

// TestReceiverLog: a pulling channel's receiver logs each state change
// with its channel_id (started, owner acquired), and stops when the
// channel is disabled (stopped, owner released).
func TestReceiverLog(t *testing.T) {
	pool := dbtest.New(t)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	bot := telegramtest.NewServer(t, "123456:secret-token")
	id := create(t, admin, "telegram", fmt.Sprintf(`{"mode":"polling","api_endpoint":%q,"token":%q,"poll_interval":"100ms"}`,
		bot.URL, bot.Token))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); runReceivers(ctx, a, admin.changed) }()
	defer func() { cancel(); <-done }()

	waitLog := func(msg string, attrs map[string]any) {
		t.Helper()
		waitFor(t, msg, func() bool {
			for _, l := range logLines(logs, msg) {
				ok := l["channel_id"] == float64(id)
				for k, v := range attrs {
					ok = ok && l[k] == v
				}
				if ok {
					return true
				}
			}
			return false
		}, func() { t.Log(logs.String()) })
	}
	waitLog("receiver started", map[string]any{"kind": "telegram"})
	waitLog("receiver owner acquired", nil)
	waitLog("receiver running", nil)
	if _, err := admin.SetEnabled(context.Background(), id, false); err != nil {
		t.Fatal(err)
	}
	waitLog("receiver stopped", map[string]any{"reason": "disabled or deleted"})
	waitLog("receiver owner released", nil)
}
