package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels/telegram/telegramtest"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

// TestTelegramChannelBehindProxy: a Telegram channel added with a proxy
// URL that carries a password stores the URL without it (the config is
// shown by the API) and the password among the encrypted secrets; its
// setWebhook and connection test reach the Bot API through the proxy with
// the credentials.
func TestTelegramChannelBehindProxy(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)

	const password = "s3cret-pr0xy"
	bot := telegramtest.NewServer(t, "123456:secret-token")
	px := telegramtest.NewProxy(t, "peyk", password)
	withUser := strings.Replace(px.URL, "://", "://peyk:"+password+"@", 1)
	id := create(t, admin, "telegram", fmt.Sprintf(`{"mode":"webhook","webhook_url":"https://peyk.example.com/webhooks/1",
		"api_endpoint":%q,"token":%q,"proxy_url":%q}`, bot.URL, bot.Token, withUser))

	if url, _ := bot.Webhook(); url != "https://peyk.example.com/webhooks/1" {
		t.Fatalf("setWebhook got %q", url)
	}
	chans, err := admin.List(ctx)
	if err != nil || len(chans) != 1 {
		t.Fatalf("List = %v, %v", chans, err)
	}
	var shown struct {
		ProxyURL string `json:"proxy_url"`
	}
	if err := json.Unmarshal(chans[0].Config, &shown); err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(px.URL, "://", "://peyk@", 1); shown.ProxyURL != want {
		t.Errorf("shown proxy_url = %q, want %q", shown.ProxyURL, want)
	}
	if n := count(t, a, `SELECT count(*) FROM channels WHERE config::text LIKE '%' || $1 || '%'`, password); n != 0 {
		t.Errorf("the proxy password is in %d stored configs", n)
	}

	before := len(px.Requests())
	if err := admin.Test(ctx, id); err != nil {
		t.Fatalf("Test: %v", err)
	}
	if len(px.Requests()) <= before || px.Refusals() != 0 {
		t.Errorf("proxy forwarded %d requests (%d before the test), refused %d", len(px.Requests()), before, px.Refusals())
	}
	for _, u := range px.Requests() {
		if !strings.HasPrefix(u, bot.URL+"/bot") {
			t.Errorf("proxy forwarded %s", u)
		}
	}
	if got, want := len(bot.Calls("")), len(px.Requests()); got != want {
		t.Errorf("the Bot API got %d calls, the proxy forwarded %d", got, want)
	}
}
