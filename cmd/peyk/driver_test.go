package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
	"github.com/peykhq/peyk/db/dbtest"
	"github.com/peykhq/peyk/inbox"
	"github.com/peykhq/peyk/web"
	"github.com/peykhq/peyk/web/auth"
	"github.com/peykhq/peyk/workers/redistest"
)

// pigeonSender records what it is asked to send.
type pigeonSender struct{ sent chan channels.Outbound }

func (s pigeonSender) Send(_ context.Context, m channels.Outbound) (channels.SendResult, error) {
	s.sent <- m
	return channels.SendResult{ExternalID: fmt.Sprintf("pigeon-%d", m.MessageID)}, nil
}

// pigeonDriver is a throw-away channel kind that exists only in this test:
// carrier pigeons with a loft key, posting what they carry to a webhook
// part "in".
func pigeonDriver(sent chan channels.Outbound) channels.Driver {
	type settings struct {
		Loft  string `json:"loft"`
		Key   string `json:"key"`
		Birds int    `json:"birds"`
	}
	load := func(raw json.RawMessage) (settings, error) {
		var s settings
		return s, json.Unmarshal(raw, &s)
	}
	return channels.Driver{
		Kind:  "pigeon",
		Label: channels.Text{Fa: "کبوتر", En: "Pigeon"},
		Settings: []channels.Field{
			{Name: "loft", Type: channels.FieldURL, Required: true, Help: channels.Text{Fa: "لانه", En: "Loft"}},
			{Name: "key", Type: channels.FieldString, Secret: true, Required: true, Help: channels.Text{Fa: "کلید", En: "Key"}},
			{Name: "birds", Type: channels.FieldInt, Default: 1, Help: channels.Text{Fa: "کبوترها", En: "Birds"}},
		},
		Identities: []channels.IdentitySpec{{Kind: "pigeon", Label: channels.Text{Fa: "کبوتر", En: "Pigeon"},
			Normalize: func(v string) (string, error) {
				v = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(v), "PG:"))
				if v == "" {
					return "", fmt.Errorf("pigeon: empty ring: %w", channels.ErrInvalid)
				}
				return v, nil
			}}},
		Reaches: "pigeon",
		Validate: func(raw json.RawMessage) (json.RawMessage, error) {
			s, err := load(raw)
			if err == nil && len(s.Key) < 8 {
				err = fmt.Errorf("key: at least 8 characters: %w", channels.ErrInvalid)
			}
			return raw, err
		},
		Sender: func(context.Context, channels.Instance) (channels.Sender, error) {
			return pigeonSender{sent}, nil
		},
		Webhook: func(_ context.Context, in channels.Instance) (channels.Hooks, error) {
			s, err := load(in.Settings)
			if err != nil {
				return nil, err
			}
			return channels.Hooks{"in": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Loft-Key") != s.Key {
					http.Error(w, "wrong key", http.StatusUnauthorized)
					return
				}
				var m struct{ ID, Ring, Note string }
				if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				err := in.Store.Ingest(r.Context(), []channels.Inbound{{ChannelID: in.ChannelID, ExternalID: m.ID,
					From: channels.Identity{Kind: "pigeon", Value: m.Ring}, Text: m.Note}})
				if err != nil {
					http.Error(w, "try again", http.StatusInternalServerError)
				}
			})}, nil
		},
	}
}

// TestThrowAwayDriver is the must-show of the channel contract: a kind
// that exists only in this test binary, registered with one line, gets its
// settings validated (and its secret kept out of every answer), its
// webhook routed, its identities normalized and its replies sent, through
// the real API, webhooks, database and queue, with no other package
// knowing it.
func TestThrowAwayDriver(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sent := make(chan channels.Outbound, 1)
	kinds, err := channels.NewRegistry(pigeonDriver(sent))
	if err != nil {
		t.Fatal(err)
	}
	ropt := redistest.New(t)
	redis := asynq.RedisClientOpt{Addr: ropt.Addr, DB: ropt.DB, Password: ropt.Password}
	a := &app{log: log, pool: pool, redis: redis, kinds: kinds,
		ib: inbox.New(pool, inbox.Config{SecretKey: "test key", Kinds: kinds}, nil)}
	srvW, err := a.startWorkers()
	if err != nil {
		t.Fatal(err)
	}
	defer srvW.Shutdown()
	queue := asynq.NewClient(redis)
	defer queue.Close()
	users := auth.NewStore(pool, 4)
	u, err := users.CreateUser(ctx, auth.NewUser{Email: "admin@peyk.ir", Name: "Admin", Role: auth.RoleAdmin, Password: "long enough"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := users.CreateToken(ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	admin := newChannelAdmin(a)
	srv := httptest.NewServer(web.New(web.Deps{Users: users, Channels: admin, Webhooks: admin, Inbox: a.ib,
		Contacts: crm.NewStore(pool).WithKinds(kinds), Queue: queue, Kinds: kinds, ChannelStatus: admin.Status, Log: log}).Handler())
	defer srv.Close()

	call := func(method, path, body string, header ...string) (int, string) {
		t.Helper()
		return httpCall(t, method, srv.URL+path, body, header...)
	}
	api := func(method, path, body string) (int, string) {
		return call(method, path, body, bearer(token)...)
	}

	t.Run("settings refused", func(t *testing.T) {
		for _, tc := range []struct{ name, config, want string }{
			{"unknown key", `{"loft":"https://loft.example","key":"0123456789","wings":2}`, `unknown setting \"wings\"`},
			{"wrong type", `{"loft":"https://loft.example","key":"0123456789","birds":"many"}`, "birds: want a whole number"},
			{"not a url", `{"loft":"roof","key":"0123456789"}`, "loft: want an absolute URL"},
			{"required missing", `{"loft":"https://loft.example"}`, "key is required"},
			{"driver's own rule", `{"loft":"https://loft.example","key":"short"}`, "at least 8 characters"},
			{"not an object", `["loft"]`, "want a JSON object"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				body := fmt.Sprintf(`{"kind":"pigeon","name":"Lofts","config":%s}`, tc.config)
				status, msg := api("POST", "/api/v1/channels", body)
				if status != http.StatusBadRequest || !strings.Contains(msg, tc.want) {
					t.Errorf("create: %d %s; want 400 saying %s", status, msg, tc.want)
				}
			})
		}
		if status, msg := api("POST", "/api/v1/channels", `{"kind":"raven","name":"x","config":{}}`); status != http.StatusBadRequest {
			t.Errorf("a kind not in the registry: %d %s", status, msg)
		}
	})

	const key = "sesame-0123456789"
	status, msg := api("POST", "/api/v1/channels", `{"kind":"pigeon","name":"Lofts","config":{"loft":"https://loft.example","key":"`+key+`","birds":3}}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, msg)
	}
	var ch inbox.Channel
	if err := json.Unmarshal([]byte(msg), &ch); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(msg, key) {
		t.Errorf("create answered the secret: %s", msg)
	}
	if status, msg := api("GET", fmt.Sprintf("/api/v1/channels/%d/status", ch.ID), ""); status != 200 || !strings.Contains(msg, `"receiver":"idle"`) {
		t.Errorf("status: %d %s", status, msg)
	}
	if status, msg := api("GET", "/api/v1/channels", ""); status != 200 || strings.Contains(msg, key) || !strings.Contains(msg, `"birds":3`) {
		t.Errorf("list: %d %s; want the public settings without the key", status, msg)
	}

	t.Run("webhook", func(t *testing.T) {
		hook := fmt.Sprintf("/webhooks/%d/in", ch.ID)
		if status, _ := call("POST", hook, `{"ID":"p1","Ring":"PG:Sara","Note":"coo"}`, "X-Loft-Key", "wrong"); status != http.StatusUnauthorized {
			t.Errorf("wrong key: %d, want 401", status)
		}
		if status, msg := call("POST", fmt.Sprintf("/webhooks/%d/out", ch.ID), `{}`, "X-Loft-Key", key); status != http.StatusNotFound {
			t.Errorf("a part the kind does not have: %d %s, want 404", status, msg)
		}
		if status, msg := call("POST", hook, `{"ID":"p1","Ring":"PG:Sara","Note":"coo"}`, "X-Loft-Key", key); status != http.StatusOK {
			t.Fatalf("webhook: %d %s", status, msg)
		}
		if n := count(t, a, `SELECT count(*) FROM contact_identities WHERE kind = 'pigeon' AND value = 'sara'`); n != 1 {
			t.Fatalf("identities (pigeon, sara) = %d, want 1: the driver's normalizer was not used", n)
		}
	})

	t.Run("reply", func(t *testing.T) {
		var conv int64
		if err := pool.QueryRow(ctx, `SELECT id FROM conversations WHERE channel_id = $1`, ch.ID).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		status, msg := api("POST", fmt.Sprintf("/api/v1/conversations/%d/messages", conv), `{"text":"بال بزن"}`)
		if status != http.StatusCreated {
			t.Fatalf("reply: %d %s", status, msg)
		}
		select {
		case m := <-sent:
			if m.To.Kind != "pigeon" || m.To.Value != "sara" || m.Text != "بال بزن" || m.ChannelID != ch.ID {
				t.Errorf("sent %+v", m)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the pigeon sender got nothing")
		}
	})
}

// TestRegistryRefusesDuplicates: a kind registered twice is a mistake
// NewRegistry reports, and so is reaching an identity kind not declared.
func TestRegistryRefusesDuplicates(t *testing.T) {
	d := pigeonDriver(nil)
	if _, err := channels.NewRegistry(d, d); err == nil {
		t.Error("two pigeon drivers accepted")
	}
	d.Identities = nil
	if _, err := channels.NewRegistry(d); err == nil {
		t.Error("a driver reaching an undeclared identity kind accepted")
	}
	if _, err := channels.NewRegistry(channels.Driver{}); err == nil {
		t.Error("a driver without a kind accepted")
	}
}
