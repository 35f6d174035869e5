package workers_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peykhq/peyk/workers"
)

// logBuffer collects JSON log lines, safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the lines whose message is msg.
func (l *logBuffer) lines(msg string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(l.b.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// TestDeliveryLog: every delivery attempt is one log line naming the
// message, its channel and conversation, the attempt and its result, and
// for a failure its cause.
func TestDeliveryLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	logs := &logBuffer{}
	srv := workers.NewServer(f.redis, workers.Config{Backoff: func(int) time.Duration { return 200 * time.Millisecond }},
		f.ib, f.sender, nil, slog.New(slog.NewJSONHandler(logs, nil)))
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)

	cases := []struct {
		text    string
		status  string
		results []string // of the attempts in order
		err     string
	}{
		{"hello", "sent", []string{"sent"}, ""},
		{"flaky then fine", "sent", []string{"retry", "sent"}, "451 try again later"},
		{"perm: the number is wrong", "failed", []string{"failed"}, "550 no such user"},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			id := f.reply(t, tc.text)
			if err := workers.EnqueueDelivery(t.Context(), f.client, id, workers.QueueDefault); err != nil {
				t.Fatal(err)
			}
			f.waitStatus(t, id, tc.status)
			var mine []map[string]any
			for _, l := range logs.lines("delivery attempt") {
				if l["message_id"] == float64(id) {
					mine = append(mine, l)
				}
			}
			if len(mine) != len(tc.results) {
				t.Fatalf("%d attempt lines, want %d: %v", len(mine), len(tc.results), mine)
			}
			for i, l := range mine {
				if l["channel_id"] != float64(f.channel) || l["conversation_id"] != float64(f.conv) ||
					l["attempt"] != float64(i+1) || l["result"] != tc.results[i] {
					t.Errorf("line %d: %v", i, l)
				}
				if failed := tc.results[i] != "sent"; failed != (l["err"] != nil) {
					t.Errorf("line %d: err %v", i, l["err"])
				}
			}
			if tc.err != "" {
				if e, _ := mine[0]["err"].(string); !strings.Contains(e, tc.err) {
					t.Errorf("first failure's err = %q, want it to name %q", e, tc.err)
				}
			}
		})
	}
}
