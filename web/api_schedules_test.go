package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestAPISchedules(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	conv := e.ingest(t, smsIn(e.sms, "09121112233", "s1", "call me tomorrow"))
	due := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	later := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	e.run(t, []apiStep{
		{"reminder", "POST", "/api/v1/schedules", e.agent,
			fmt.Sprintf(`{"kind":"reminder","due_at":"%s","conversation_id":%d,"text":"call back"}`, due, conv), 201,
			fmt.Sprintf(`"user_id":%d`, e.agentID)},
		{"message", "POST", "/api/v1/schedules", e.agent,
			fmt.Sprintf(`{"kind":"message","due_at":"%s","conversation_id":%d,"text":"your order shipped"}`, due, conv), 201, `"kind":"message"`},
		{"followup", "POST", "/api/v1/schedules", e.agent,
			fmt.Sprintf(`{"kind":"followup","due_at":"%s","conversation_id":%d,"template":"followup.nudge","interval":"48h","nudges":2}`, due, conv), 201, `"kind":"followup"`},
		{"mine", "GET", "/api/v1/schedules", e.agent, "", 200, `call back`},
		{"not the admin's", "GET", "/api/v1/schedules", e.admin, "", 200, `"schedules":[]`},
		{"of the conversation", "GET", fmt.Sprintf("/api/v1/schedules?conversation=%d", conv), e.admin, "", 200, `your order shipped`},
		{"bad conversation", "GET", "/api/v1/schedules?conversation=x", e.agent, "", 400, `conversation`},
		{"past", "POST", "/api/v1/schedules", e.agent, fmt.Sprintf(`{"kind":"reminder","due_at":"%s","text":"x"}`, past), 400, `future`},
		{"bad kind", "POST", "/api/v1/schedules", e.agent, fmt.Sprintf(`{"kind":"wake","due_at":"%s","conversation_id":%d}`, due, conv), 400, `kind`},
		{"bad time", "POST", "/api/v1/schedules", e.agent, `{"kind":"reminder","due_at":"tomorrow"}`, 400, `"invalid"`},
		{"message without text", "POST", "/api/v1/schedules", e.agent, fmt.Sprintf(`{"kind":"message","due_at":"%s","conversation_id":%d}`, due, conv), 400, `text or a template`},
		{"message without conversation", "POST", "/api/v1/schedules", e.agent, fmt.Sprintf(`{"kind":"message","due_at":"%s","text":"x"}`, due), 400, `needs a conversation`},
		{"bad interval", "POST", "/api/v1/schedules", e.agent, fmt.Sprintf(`{"kind":"followup","due_at":"%s","conversation_id":%d,"text":"x","interval":"2 days","nudges":1}`, due, conv), 400, `interval`},
		{"unknown conversation", "POST", "/api/v1/schedules", e.agent, fmt.Sprintf(`{"kind":"message","due_at":"%s","conversation_id":99999,"text":"x"}`, due), 400, `no such conversation`},
		{"reschedule", "PATCH", "/api/v1/schedules/1", e.agent, fmt.Sprintf(`{"due_at":"%s"}`, later), 200, `"due_at":"` + later[:16]},
		{"reschedule into the past", "PATCH", "/api/v1/schedules/1", e.agent, fmt.Sprintf(`{"due_at":"%s"}`, past), 400, `future`},
		{"reschedule missing", "PATCH", "/api/v1/schedules/999", e.agent, fmt.Sprintf(`{"due_at":"%s"}`, later), 404, `"not_found"`},
		{"cancel", "DELETE", "/api/v1/schedules/2", e.agent, "", 204, ""},
		{"cancel twice", "DELETE", "/api/v1/schedules/2", e.agent, "", 409, `no longer pending`},
		{"reschedule cancelled", "PATCH", "/api/v1/schedules/2", e.agent, fmt.Sprintf(`{"due_at":"%s"}`, later), 409, `"conflict"`},
		{"cancel bad id", "DELETE", "/api/v1/schedules/x", e.agent, "", 400, `"invalid"`},
	})
	// The firings wait in Redis: the rescheduled one under its new time.
	ins := asynq.NewInspector(e.redis)
	defer ins.Close()
	tasks, err := ins.ListScheduledTasks("default")
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, task := range tasks {
		ids = append(ids, task.ID)
	}
	joined := strings.Join(ids, " ")
	for _, want := range []string{"fire:1:", "fire:2:", "fire:3:"} {
		if !strings.Contains(joined, want) {
			t.Fatalf("scheduled tasks %v lack %s", ids, want)
		}
	}
	if len(tasks) != 4 { // 1 (twice: first and rescheduled), 2, 3
		t.Fatalf("%d scheduled tasks, want 4: %v", len(tasks), ids)
	}
}
