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
