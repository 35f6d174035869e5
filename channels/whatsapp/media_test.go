package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestDownload fetches media from the stand-in with the size limit.
func TestDownload(t *testing.T) {
	api := newAPI(t)
	data := bytes.Repeat([]byte("x"), 1000)
	api.AddMedia("555", "image/jpeg", data)
	cases := []struct {
		name      string
		id        string
		max       int64
		permanent bool
	}{
		{"fits", "555", 1000, false},
		{"default limit", "555", 0, false},
		{"too large", "555", 999, true},
		{"unknown id", "556", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := newClient(t, api, 1, func(cfg *Config) { cfg.MaxFileSize = c.max })
			got, err := cl.Download(context.Background(), c.id)
			if c.permanent {
				if !errors.Is(err, channels.ErrPermanent) || got != nil {
					t.Fatalf("%d bytes, err %v", len(got), err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%d bytes, err %v", len(got), err)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		cl := newClient(t, api, 1, func(cfg *Config) { cfg.BaseURL = "http://127.0.0.1:1" })
		if _, err := cl.Download(context.Background(), "555"); err == nil || errors.Is(err, channels.ErrPermanent) {
			t.Fatalf("err %v, want a retryable error", err)
		}
	})
}
