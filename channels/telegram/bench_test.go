package telegram

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels/internal/webhookbench"
)

// BenchmarkWebhookIngest posts 100,000 Telegram updates from 10,000
// distinct users to the webhook, served over HTTP by httptest in front of
// the real inbox, from 64 concurrent senders; each request is answered
// only after its message is committed. Each sender is one persistent
// HTTP/1.1 connection, as Telegram's webhook connections are, driven by a
// minimal client (write the request, read the response) so that the load
// generator, which shares the machine, takes little of the CPU the server
// is measured on. Run it with -benchtime 1x:
//
//	go test -run '^$' -bench WebhookIngest -benchtime 1x ./channels/telegram/
func BenchmarkWebhookIngest(b *testing.B) {
	const senders = 64
	e := newEnv(b)
	srv := httptest.NewServer(NewWebhook(e.ch, testSecret, e.ib, nil))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	total := webhookbench.Messages(100_000)
	users := max(total/10, 1)
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		b.StopTimer()
		requests := make([][]byte, total)
		for i := range requests {
			id, user := iter*total+i+1, 100000+i%users
			body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,`+
				`"first_name":"مشتری","last_name":"%d","language_code":"fa"},"chat":{"id":%d,"first_name":"مشتری",`+
				`"type":"private"},"date":%d,"text":"سلام، سفارش من کی می\u200cرسد؟ order %d"}}`,
				id, id, user, user, user, time.Now().Unix(), i)
			requests[i] = fmt.Appendf(nil, "POST /telegram HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
				"%s: %s\r\nContent-Length: %d\r\n\r\n%s", host, SecretHeader, testSecret, len(body), body)
		}
		webhookbench.Post(b, host, requests, senders)
	}
	b.StopTimer()
	if n := e.count(b, `SELECT count(*) FROM messages`); n != total*b.N {
		b.Fatalf("messages = %d, want %d", n, total*b.N)
	}
	if n := e.count(b, `SELECT count(*) FROM contacts`); n != users {
		b.Fatalf("contacts = %d, want %d", n, users)
	}
}
