package generic

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	const doc = `{"id": 12345678901234567890, "ok": true, "s": "x", "null": null,
		"data": {"messages": [{"id": "m-1"}, {"id": 2.5}], "empty": {}}, "a.b": "dotted"}`
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want string
		ok   bool
	}{
		{"id", "12345678901234567890", true},
		{"ok", "true", true},
		{"s", "x", true},
		{"data.messages.0.id", "m-1", true},
		{"data.messages.1.id", "2.5", true},
		{"data.messages.2.id", "", false},
		{"data.messages.-1.id", "", false},
		{"data.messages.x", "", false},
		{"data.messages", "", false},
		{"data.empty", "", false},
		{"null", "", false},
		{"s.deeper", "", false},
		{"missing", "", false},
		{"", "", false},
		{"a.b", "", false},
	} {
		got, ok := lookup(v, tc.path)
		if got != tc.want || ok != tc.ok {
			t.Errorf("lookup(%q) = %q, %v; want %q, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}
