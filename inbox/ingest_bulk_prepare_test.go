package inbox

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
)

// TestCallJSONAsMap checks that a call's details are stored as they were
// when prepare encoded them from a map: the same bytes, keys in order.
func TestCallJSONAsMap(t *testing.T) {
	ib := &Inbox{cfg: Config{}.withDefaults()}
	for _, c := range []channels.Call{
		{},
		{Disposition: " answered ", Duration: 95 * time.Second, Billable: 90 * time.Second, RecordingURL: "https://pbx/r?a=1&b=<2>"},
		{Disposition: "no answer\x00\xff", Duration: -3 * time.Second, RecordingURL: "\u2028 \"q\" \\ مریم\xc0"},
	} {
		it, err := ib.prepare(channels.Inbound{ChannelID: 1, ExternalID: "x", Kind: channels.KindCall, Call: &c,
			From: channels.Identity{Kind: channels.IdentityPhone, Value: "09121234567"}})
		if err != nil {
			t.Fatal(err)
		}
		disposition, _ := clean(strings.ToUpper(strings.TrimSpace(c.Disposition)), 40)
		url, _ := clean(c.RecordingURL, 2000)
		want, _ := json.Marshal(map[string]any{"disposition": disposition, "duration": int64(c.Duration / time.Second),
			"billable": int64(c.Billable / time.Second), "recording_url": url})
		if string(it.call) != string(want) {
			t.Errorf("call %+v: got %s, want %s", c, it.call, want)
		}
	}
}
