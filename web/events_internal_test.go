package web

import (
	"strings"
	"testing"
)

func TestHubCutsOffASlowSubscriber(t *testing.T) {
	h := NewHub(nil, nil)
	slow, fast := h.subscribe(), h.subscribe()
	for i := 0; i < subscriberBuffer+1; i++ {
		h.publish(`{"type":"message.created"}`)
		<-fast.events
	}
	n := 0
	for range slow.events {
		n++
	}
	if n != subscriberBuffer || !slow.lagged {
		t.Fatalf("slow subscriber got %d events, lagged %v", n, slow.lagged)
	}
	h.publish("x")
	if ev := <-fast.events; ev.id != subscriberBuffer+2 {
		t.Fatalf("fast subscriber got id %d", ev.id)
	}
	fast.cancel()
	fast.cancel() // twice is harmless
	h.close()
	if _, ok := <-h.subscribe().events; ok {
		t.Fatal("subscribed after close")
	}
}

func TestWriteEvent(t *testing.T) {
	cases := []struct {
		ev   hubEvent
		want string
	}{
		{hubEvent{id: 3, data: `{"a":1}`}, "id: 3\ndata: {\"a\":1}\n\n"},
		{hubEvent{data: "a\nb\r\nc\rd"}, "data: a\ndata: b\ndata: c\ndata: d\n\n"},
	}
	for _, tc := range cases {
		var b strings.Builder
		writeEvent(&b, tc.ev)
		if b.String() != tc.want {
			t.Errorf("writeEvent(%+v) = %q, want %q", tc.ev, b.String(), tc.want)
		}
	}
}

// FuzzWriteEvent checks that any payload comes out as one SSE message
// whose data, read back as a browser does, is the payload (line endings
// normalized).
func FuzzWriteEvent(f *testing.F) {
	for _, s := range []string{`{"type":"message.created"}`, "", "a\nb", "a\r\nb\rc", "\n\n", "data: x\n\nid: 9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var b strings.Builder
		writeEvent(&b, hubEvent{id: 1, data: data})
		out := b.String()
		if !strings.HasSuffix(out, "\n\n") || strings.Count(out, "\n\n") != 1 || strings.Contains(out, "\r") {
			t.Fatalf("not one message: %q", out)
		}
		var lines []string
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n\n"), "\n") {
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				lines = append(lines, v)
			} else if line != "id: 1" {
				t.Fatalf("stray line %q in %q", line, out)
			}
		}
		want := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(data)
		if got := strings.Join(lines, "\n"); got != want {
			t.Fatalf("data read back %q, want %q", got, want)
		}
	})
}
