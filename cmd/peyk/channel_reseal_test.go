package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
)

// smsLeaks are the secrets of genericSMSConfig as they could show.
var smsLeaks = []string{kannelPassword, url.QueryEscape(kannelPassword), smsWebhookKey, smsBearer}

// oldSMSChannels stores SMS channels the ways Peyk stored them before
// issue 13 masked every secret: the whole settings in the public config
// and in the secrets; the settings with only the named secrets taken out
// of the public config (the Kannel password in the send URL, the header
// and the dlr-url's secret left in); and the whole settings in the public
// config with no secrets at all. It returns their ids and the settings.
func oldSMSChannels(t *testing.T, ib *inbox.Inbox) ([]int64, json.RawMessage) {
	t.Helper()
	ctx := context.Background()
	raw := json.RawMessage(genericSMSConfig("https://peyk.example/webhooks/1"))
	var partly map[string]any
	if err := json.Unmarshal(raw, &partly); err != nil {
		t.Fatal(err)
	}
	delete(partly, "secret")
	var ids []int64
	for _, c := range []struct {
		config, secrets any
	}{{raw, raw}, {partly, raw}, {raw, nil}} {
		id, err := ib.AddChannel(ctx, channels.SMS, "old kannel", c.config, c.secrets)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids, raw
}

// checkSealed fails unless channel id stores no secret in its public
// config and all of settings among its secrets.
func checkSealed(t *testing.T, pool *pgxpool.Pool, ib *inbox.Inbox, id int64, want json.RawMessage) {
	t.Helper()
	ctx := context.Background()
	var config string
	if err := pool.QueryRow(ctx, `SELECT config::text FROM channels WHERE id = $1`, id).Scan(&config); err != nil {
		t.Fatal(err)
	}
	for _, leak := range smsLeaks {
		if strings.Contains(config, leak) {
			t.Errorf("channel %d keeps %q in its public config: %s", id, leak, config)
		}
	}
	if !strings.Contains(config, "REDACTED") || !strings.Contains(config, `"external_id": "peyk-{{.MessageID}}"`) {
		t.Errorf("channel %d: the public config lost what is not secret: %s", id, config)
	}
	ch, err := ib.Channel(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	full, err := storedSettings(ctx, ib, ch)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(full)
	if !sameJSON(got, want) {
		t.Errorf("channel %d settings (secrets over config) = %s; want the whole settings %s", id, got, want)
	}
}

// TestChannelAdminNeverShowsOldSecrets: disabling, enabling and renaming
// an SMS channel stored before issue 13 answer its public view, and a
// rename stores the config masked, its secrets sealed (review 13, item 7).
func TestChannelAdminNeverShowsOldSecrets(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	log := slog.New(slog.DiscardHandler)
	a := &app{pool: pool, log: log, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	ids, raw := oldSMSChannels(t, a.ib)
	for _, id := range ids {
		steps := []struct {
			name string
			do   func() (inbox.Channel, error)
		}{
			{"disable", func() (inbox.Channel, error) { return admin.SetEnabled(ctx, id, false) }},
			{"enable", func() (inbox.Channel, error) { return admin.SetEnabled(ctx, id, true) }},
			{"rename", func() (inbox.Channel, error) { return admin.Update(ctx, id, "kannel renamed", nil) }},
		}
		for _, s := range steps {
			ch, err := s.do()
			if err != nil {
				t.Fatalf("channel %d %s: %v", id, s.name, err)
			}
			shown, _ := json.Marshal(ch)
			for _, leak := range smsLeaks {
				if strings.Contains(string(shown), leak) {
					t.Errorf("channel %d %s answers %q: %s", id, s.name, leak, shown)
				}
			}
		}
		checkSealed(t, pool, a.ib, id, raw)
	}
}

// TestResealChannels: the start-up step re-seals every SMS channel stored
// before issue 13 into a masked public config and encrypted secrets,
// logging each once, and changes nothing when run again (review 13,
// item 7).
func TestResealChannels(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ib := inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil)
	kinds := knownKinds()
	ids, raw := oldSMSChannels(t, ib)
	current, err := newChannelAdmin(&app{pool: pool, log: log, ib: ib, kinds: kinds}).Create(ctx, "sms", "new kannel", raw)
	if err != nil {
		t.Fatal(err)
	}
	var before string
	if err := pool.QueryRow(ctx, `SELECT updated_at::text FROM channels WHERE id = $1`, current.ID).Scan(&before); err != nil {
		t.Fatal(err)
	}

	t.Run("without a secret key nothing changes", func(t *testing.T) {
		var warn bytes.Buffer
		n, err := resealChannels(ctx, inbox.New(pool, inbox.Config{}, nil), kinds, slog.New(slog.NewTextHandler(&warn, nil)))
		if err != nil || n != 0 || strings.Count(warn.String(), "set PEYK_SECRET_KEY") != len(ids) {
			t.Fatalf("%d re-sealed, %v; log:\n%s", n, err, warn.String())
		}
	})
	n, err := resealChannels(ctx, ib, kinds, log)
	if err != nil || n != len(ids) {
		t.Fatalf("re-sealed %d, %v; want %d", n, err, len(ids))
	}
	for _, id := range ids {
		checkSealed(t, pool, ib, id, raw)
		if c := strings.Count(logs.String(), "channel_id="+strconv.FormatInt(id, 10)+" "); c != 1 {
			t.Errorf("channel %d logged %d times:\n%s", id, c, logs.String())
		}
	}
	if n, err := resealChannels(ctx, ib, kinds, log); err != nil || n != 0 {
		t.Fatalf("run again: re-sealed %d, %v", n, err)
	}
	var after string
	if err := pool.QueryRow(ctx, `SELECT updated_at::text FROM channels WHERE id = $1`, current.ID).Scan(&after); err != nil || after != before {
		t.Errorf("a channel stored masked was written again: %s → %s, %v", before, after, err)
	}
}

// TestMigrateReseals: `peyk migrate` runs the re-sealing step on a real
// database holding an old-style SMS channel, and says how many it did.
func TestMigrateReseals(t *testing.T) {
	ctx := context.Background()
	dbURL := freshDatabase(t)
	dbFlag := "--database-url=" + dbURL
	if _, _, err := runCmd(t, ctx, "migrate", dbFlag); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ib := inbox.New(pool, inbox.Config{SecretKey: "migrate key"}, nil)
	ids, raw := oldSMSChannels(t, ib)
	for _, want := range []string{"3 channel(s) re-sealed", "0 channel(s) re-sealed"} {
		out, errOut, err := runCmd(t, ctx, "migrate", dbFlag, "--secret-key=migrate key")
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("migrate: %v\n%s\n%s", err, out, errOut)
		}
	}
	for _, id := range ids {
		checkSealed(t, pool, ib, id, raw)
	}
}
