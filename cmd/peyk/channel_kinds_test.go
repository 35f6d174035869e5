package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

// TestChannelKindsCLI: `peyk channel kinds` lists every kind with its
// settings and presets, and --json gives the API's shape.
func TestChannelKindsCLI(t *testing.T) {
	ctx := context.Background()
	out, errOut, err := runCmd(t, ctx, "channel", "kinds")
	if err != nil {
		t.Fatalf("%v %s", err, errOut)
	}
	for _, want := range []string{"email — Email", "imap object [required]", "host string [required]",
		"imap_password string [secret]", "preset gmail (Gmail (app password))", "imap.gmail.com", "preset kannel", "telegram — Telegram"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	out, _, err = runCmd(t, ctx, "channel", "kinds", "--json")
	var got struct {
		Kinds []struct {
			Kind     string
			Settings []channels.Field
			Presets  []channels.Preset
		}
	}
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || len(got.Kinds) != len(knownKinds().Kinds()) {
		t.Fatalf("--json: %v %s", err, out)
	}
}

// TestPresets: every preset of every kind uses only declared settings of
// their declared types; what it leaves out is only what the operator
// must fill in (required fields).
func TestPresets(t *testing.T) {
	r := knownKinds()
	for _, k := range r.Kinds() {
		d, _ := r.Driver(k)
		for _, p := range d.Presets {
			t.Run(string(k)+"/"+p.Name, func(t *testing.T) {
				raw, _ := json.Marshal(p.Settings)
				_, err := d.Check(raw)
				for _, fe := range channels.FieldErrors(err) {
					if fe.Reason != channels.ReasonRequired && !strings.HasPrefix(fe.Field, "from") && !strings.HasSuffix(fe.Field, "user") {
						t.Errorf("%s: %v", fe.Field, fe)
					}
				}
				if p.Label.Fa == "" || p.Label.En == "" {
					t.Error("a preset without a label")
				}
			})
		}
	}
}
