package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
)

// emailTestConfig is an email channel's settings for the demo's IMAP and
// SMTP stand-ins (real go-imap and go-smtp servers on loopback ports).
func emailTestConfig(t *testing.T) string {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	imapSrv, err := startDemoIMAP(log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(imapSrv.close)
	smtpSrv, err := startDemoSMTP(log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(smtpSrv.close)
	cfg, _ := json.Marshal(map[string]any{
		"imap": map[string]any{"host": "127.0.0.1", "port": imapSrv.port, "tls": "none", "user": demoMailbox},
		"smtp": map[string]any{"host": "127.0.0.1", "port": smtpSrv.port, "tls": "none", "auth": "none"},
		"from": demoMailbox, "imap_password": demoIMAPPass})
	return string(cfg)
}

// probeNote is the plus-address probe's line for the demo mailbox.
const probeNote = "smtp plus address: the server accepts support+peyktest@peyk-demo.test; reply_token can be on"

// TestChannelTestNotesCLI: `peyk channel test` tells the operator the
// plus-address probe's result after "connection ok".
func TestChannelTestNotesCLI(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	dbf := "--database-url=" + url
	t.Setenv("PEYK_SECRET_KEY", "test key")
	if _, errOut, err := runCmd(t, ctx, "channel", "add", "email", dbf, "--name", "support", "--config", emailTestConfig(t)); err != nil {
		t.Fatalf("channel add: %v %s", err, errOut)
	}
	out, errOut, err := runCmd(t, ctx, "channel", "test", "1", dbf)
	if err != nil {
		t.Fatalf("channel test: %v %s", err, errOut)
	}
	want := "channel 1: connection ok\nchannel 1: " + probeNote + "\n"
	if out != want {
		t.Errorf("channel test printed %q, want %q", out, want)
	}
}

// TestChannelTestNotesAPI: POST /api/v1/channels/{id}/test adds the
// plus-address probe's result as "notes".
func TestChannelTestNotesAPI(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	a := &app{log: log, pool: pool, ib: inbox.New(pool, inbox.Config{SecretKey: "test key"}, nil), kinds: knownKinds()}
	admin := newChannelAdmin(a)
	ch, err := admin.Create(ctx, "email", "support", json.RawMessage(emailTestConfig(t)))
	if err != nil {
		t.Fatal(err)
	}
	users := auth.NewStore(pool, 4)
	u, err := users.CreateUser(ctx, auth.NewUser{Email: "admin@peyk.ir", Role: auth.RoleAdmin, Password: "long enough"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := users.CreateToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Deps{Users: users, Channels: admin, Log: log}).Handler())
	defer srv.Close()
	status, body := httpCall(t, http.MethodPost, fmt.Sprintf("%s/api/v1/channels/%d/test", srv.URL, ch.ID), "", bearer(token)...)
	var got struct {
		OK         bool     `json:"ok"`
		Applicable bool     `json:"applicable"`
		Notes      []string `json:"notes"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || status != http.StatusOK {
		t.Fatalf("status %d, body %s (%v)", status, body, err)
	}
	if !got.OK || !got.Applicable || len(got.Notes) != 1 || got.Notes[0] != probeNote {
		t.Errorf("answer %s, want ok with the note %q", body, probeNote)
	}
}
