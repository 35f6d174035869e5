package channels_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/peykhq/peyk/channels"
)

func testDriver() channels.Driver {
	return channels.Driver{
		Kind: "test",
		Settings: []channels.Field{
			{Name: "url", Type: channels.FieldURL, Required: true},
			{Name: "token", Type: channels.FieldString, Secret: true},
			{Name: "n", Type: channels.FieldInt},
			{Name: "on", Type: channels.FieldBool},
			{Name: "wait", Type: channels.FieldDuration},
			{Name: "mode", Type: channels.FieldEnum, Choices: []string{"a", "b"}},
			{Name: "list", Type: channels.FieldList},
			{Name: "headers", Type: channels.FieldMap},
			{Name: "obj", Type: channels.FieldObject, Fields: []channels.Field{{Name: "x", Type: channels.FieldInt, Required: true}}},
		},
		// Mask hides the password of the URL, as SMS does.
		Mask: func(public json.RawMessage) json.RawMessage {
			return json.RawMessage(strings.ReplaceAll(string(public), "pw@", "***@"))
		},
	}
}

func TestCheck(t *testing.T) {
	d := testDriver()
	for _, tc := range []struct{ name, raw, err string }{
		{"all types", `{"url":"https://h/x","token":"t","n":3,"on":true,"wait":"5s","mode":"a","list":["x"],"headers":{"A":"b"},"obj":{"x":1}}`, ""},
		{"seconds", `{"url":"https://h","wait":30}`, ""},
		{"null is absent", `{"url":"https://h","n":null}`, ""},
		{"unknown", `{"url":"https://h","m":1}`, `unknown setting "m"`},
		{"nested unknown", `{"url":"https://h","obj":{"x":1,"y":2}}`, `unknown setting "obj.y"`},
		{"nested required", `{"url":"https://h","obj":{}}`, "obj.x is required"},
		{"required", `{}`, "url is required"},
		{"empty required", `{"url":""}`, "url is required"},
		{"int", `{"url":"https://h","n":1.5}`, "n: want a whole number"},
		{"bool", `{"url":"https://h","on":"yes"}`, "on: want true or false"},
		{"duration", `{"url":"https://h","wait":"soon"}`, "wait: want a duration"},
		{"enum", `{"url":"https://h","mode":"c"}`, "mode: want one of a, b"},
		{"list", `{"url":"https://h","list":"x"}`, "list: want a list of strings"},
		{"map", `{"url":"https://h","headers":{"A":1}}`, "headers: want an object of strings"},
		{"url", `{"url":"h"}`, "url: want an absolute URL"},
		{"array", `[]`, "want a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.Check(json.RawMessage(tc.raw))
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, channels.ErrInvalid)):
				t.Errorf("Check: %v; want ErrInvalid saying %s", err, tc.err)
			}
		})
	}
}

// The secret fields and every field Mask changes are stored among the
// secrets; the public config shows neither.
func TestSplitAndPublic(t *testing.T) {
	d := testDriver()
	public, secrets, err := d.Split(json.RawMessage(`{"url":"https://u:pw@h","token":"t","n":2}`))
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := json.Marshal(public)
	sec, _ := json.Marshal(secrets)
	if string(pub) != `{"n":2,"url":"https://u:***@h"}` || string(sec) != `{"token":"t","url":"https://u:pw@h"}` {
		t.Errorf("public %s, secrets %s", pub, sec)
	}
	// A config stored whole (before the split) is shown without secrets.
	if got := string(d.Public(json.RawMessage(`{"url":"https://u:pw@h","token":"t"}`))); got != `{"url":"https://u:***@h"}` {
		t.Errorf("Public = %s", got)
	}
}

func TestRegistry(t *testing.T) {
	d := testDriver()
	d.Label = channels.Text{Fa: "آزمون", En: "Test"}
	d.Identities = []channels.IdentitySpec{{Kind: "tid", Label: channels.Text{Fa: "شناسه", En: "Id"}}}
	d.Reaches = "tid"
	r, err := channels.NewRegistry(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Reaches("test"); ok {
		t.Error("a driver without a Sender reaches someone")
	}
	if l, ok := r.Label("test", true); !ok || l != "آزمون" {
		t.Errorf("Label(test, fa) = %q, %v", l, ok)
	}
	if l, ok := r.Label("tid", false); !ok || l != "Id" {
		t.Errorf("Label(tid, en) = %q, %v", l, ok)
	}
	if _, ok := r.Reaches(channels.Telegram); ok {
		t.Error("a registry without Telegram reaches Telegram")
	}
	var none *channels.Registry
	if id, ok := none.Reaches(channels.SMS); !ok || id != channels.IdentityPhone {
		t.Errorf("nil registry: SMS reaches %q, %v", id, ok)
	}
	if _, ok := none.Reaches(channels.Phone); ok {
		t.Error("nil registry: phone reaches someone")
	}
}

func TestNumericID(t *testing.T) {
	norm := channels.NumericID("bale", "bale:")
	for in, want := range map[string]string{"12": "12", " bale:0042 ": "42", "۱۲۳": "123", "BALE:7": "7", "-1": "", "x": "", "": ""} {
		got, err := norm(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestStatusBoard(t *testing.T) {
	b := channels.NewStatusBoard()
	b.Receiver(3, channels.StateRunning)
	b.Failed(3, errors.New("getUpdates: 502"))
	b.Failed(3, nil)
	s := b.Status(3)
	if s.Receiver != channels.StateRunning || s.LastError != "getUpdates: 502" || s.Since.IsZero() || s.LastErrorAt.IsZero() {
		t.Errorf("status %+v", s)
	}
	b.Forget(3)
	if s := b.Status(3); s.Receiver != channels.StateIdle || s.LastError != "" {
		t.Errorf("after Forget: %+v", s)
	}
	var none *channels.StatusBoard
	none.Failed(1, errors.New("x"))
	if s := none.Status(1); s.Receiver != channels.StateIdle {
		t.Errorf("nil board: %+v", s)
	}
}

// Check names every field at fault, by its path, with its reason, so a
// form shows each beside its field.
func TestCheckFieldErrors(t *testing.T) {
	d := testDriver()
	_, err := d.Check(json.RawMessage(`{"n":"x","obj":{},"m":1}`))
	got := map[string]string{}
	for _, fe := range channels.FieldErrors(err) {
		got[fe.Field] = fe.Reason
	}
	want := map[string]string{"n": channels.ReasonInt, "obj.x": channels.ReasonRequired, "m": channels.ReasonUnknown, "url": channels.ReasonRequired}
	if len(got) != len(want) {
		t.Fatalf("field errors %v, want %v", got, want)
	}
	for f, r := range want {
		if got[f] != r {
			t.Errorf("%s: %q, want %q", f, got[f], r)
		}
	}
}
