package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/telegram/telegramtest"
)

// New checks the token with getMe on the configured endpoint; failures
// say what is wrong without showing the token.
func TestNew(t *testing.T) {
	t.Parallel()
	api := telegramtest.NewServer(t, testToken)
	b := newBot(t, api, 1)
	if b.Self().UserName != "peyk_test_bot" || b.Self().ID != 5550001 {
		t.Errorf("Self = %+v", b.Self())
	}
	if err := b.Test(context.Background()); err != nil {
		t.Errorf("Test: %v", err)
	}
	if n := len(api.Calls("getMe")); n != 2 {
		t.Errorf("%d getMe calls, want 2", n)
	}

	tests := []struct {
		name      string
		cfg       Config
		sec       Secrets
		permanent bool
		invalid   bool
	}{
		{name: "revoked token", cfg: Config{APIEndpoint: api.URL}, sec: Secrets{Token: "5550001:revoked"}, permanent: true},
		{name: "no server", cfg: Config{APIEndpoint: "http://127.0.0.1:1"}, sec: Secrets{Token: testToken}},
		{name: "no token", cfg: Config{APIEndpoint: api.URL}, invalid: true},
		{name: "webhook without secret", cfg: Config{APIEndpoint: api.URL, Mode: ModeWebhook,
			WebhookURL: "https://peyk.example.com/hook"}, sec: Secrets{Token: testToken}, invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(context.Background(), 1, tt.cfg, tt.sec, nil)
			if err == nil {
				t.Fatal("New succeeded")
			}
			if errors.Is(err, channels.ErrPermanent) != tt.permanent || errors.Is(err, channels.ErrInvalid) != tt.invalid {
				t.Errorf("err = %v: want permanent %v, invalid %v", err, tt.permanent, tt.invalid)
			}
			if tt.sec.Token != "" && strings.Contains(err.Error(), tt.sec.Token) {
				t.Errorf("err %q shows the token", err)
			}
		})
	}
}

// Files come from the configured endpoint; those too large or unknown can
// never be had.
func TestDownload(t *testing.T) {
	t.Parallel()
	api := telegramtest.NewServer(t, testToken)
	b := newBot(t, api, 1)
	b.cfg.MaxFileSize = 8
	api.AddFile("small", "documents/file 1.pdf", []byte("%PDF"))
	api.AddFile("big", "documents/file_2.pdf", []byte("0123456789"))
	data, err := b.Download(context.Background(), "small")
	if err != nil || string(data) != "%PDF" {
		t.Fatalf("Download = %q, %v", data, err)
	}
	for _, id := range []string{"big", "unknown"} {
		if _, err := b.Download(context.Background(), id); !errors.Is(err, channels.ErrPermanent) {
			t.Errorf("Download(%s) = %v, want ErrPermanent", id, err)
		}
	}
	api.FailNext("getFile", telegramtest.Failure{Code: 500, Description: "Internal Server Error"})
	if _, err := b.Download(context.Background(), "small"); err == nil || errors.Is(err, channels.ErrPermanent) {
		t.Errorf("Download with the server failing = %v, want an error worth retrying", err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		bad  string
	}{
		{name: "zero", cfg: Config{}},
		{name: "webhook", cfg: Config{Mode: ModeWebhook, WebhookURL: "https://peyk.example.com/telegram/3"}},
		{name: "http webhook", cfg: Config{Mode: ModeWebhook, WebhookURL: "http://peyk.example.com/"}, bad: "webhook url"},
		{name: "endpoint", cfg: Config{APIEndpoint: "api.telegram.org"}, bad: "api endpoint"},
		{name: "mode", cfg: Config{Mode: "push"}, bad: `mode "push"`},
		{name: "timeout", cfg: Config{PollTimeout: Duration(time.Hour)}, bad: "poll timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			if tt.bad == "" && err != nil || tt.bad != "" && (err == nil || !strings.Contains(err.Error(), tt.bad) ||
				!errors.Is(err, channels.ErrInvalid)) {
				t.Errorf("Validate = %v, want %q", err, tt.bad)
			}
		})
	}
	var c Config
	if err := json.Unmarshal([]byte(`{"mode":"polling","poll_timeout":"45s","poll_interval":2}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.PollTimeout != Duration(45*time.Second) || c.PollInterval != Duration(2*time.Second) {
		t.Errorf("durations %v %v", c.PollTimeout, c.PollInterval)
	}
	d := c.WithDefaults()
	if d.APIEndpoint != DefaultAPIEndpoint || d.MaxFileSize != DefaultMaxFileSize || d.PollTimeout != Duration(45*time.Second) {
		t.Errorf("WithDefaults = %+v", d)
	}
}
