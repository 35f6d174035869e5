package main

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestMergePatch checks the merge patch of a channel update, above all
// that a secret's mask sent back never replaces the secret.
func TestMergePatch(t *testing.T) {
	stored := map[string]any{
		"url":  "https://gw.example/send?username=peyk&password=s3cret-pass",
		"imap": map[string]any{"host": "mail.example", "port": 993},
	}
	cases := []struct {
		name, patch, want string
		field             string // the field refused, if any
	}{
		{"a key set", `{"imap": {"host": "imap.example"}}`,
			`{"imap":{"host":"imap.example","port":993},"url":"https://gw.example/send?username=peyk\u0026password=s3cret-pass"}`, ""},
		{"a key removed", `{"imap": null}`, `{"url":"https://gw.example/send?username=peyk\u0026password=s3cret-pass"}`, ""},
		{"the masked view sent back keeps the secret", `{"url": "https://gw.example/send?username=peyk&password=REDACTED"}`,
			`{"imap":{"host":"mail.example","port":993},"url":"https://gw.example/send?username=peyk\u0026password=s3cret-pass"}`, ""},
		{"a new secret replaces it", `{"url": "https://gw.example/send?username=peyk&password=n3w-pass"}`,
			`{"imap":{"host":"mail.example","port":993},"url":"https://gw.example/send?username=peyk\u0026password=n3w-pass"}`, ""},
		{"the mask in an edited value is refused", `{"url": "https://gw2.example/send?username=peyk&password=REDACTED"}`, "", "url"},
		{"the mask in a nested new key is refused", `{"imap": {"password": "REDACTED"}}`, "", "imap.password"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p any
			if err := json.Unmarshal([]byte(c.patch), &p); err != nil {
				t.Fatal(err)
			}
			got, err := mergePatch(stored, p, "")
			if c.field != "" {
				fields := channels.FieldErrors(err)
				if len(fields) != 1 || fields[0].Field != c.field || fields[0].Reason != channels.ReasonMasked || !errors.Is(err, channels.ErrInvalid) {
					t.Fatalf("err = %v (fields %v), want a masked-value error on %s", err, fields, c.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if js, _ := json.Marshal(got); string(js) != c.want {
				t.Fatalf("merged = %s\nwant     %s", js, c.want)
			}
		})
	}
}
