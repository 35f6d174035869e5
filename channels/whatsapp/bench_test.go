package whatsapp

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels/internal/webhookbench"
	"github.com/peykhq/peyk/channels/whatsapp/whatsapptest"
)

// BenchmarkWebhookIngest posts 100,000 signed WhatsApp notifications of
// one text message each, from 10,000 distinct customers, to the webhook,
// served over HTTP by httptest in front of the real inbox, from 64
// concurrent senders; each request is answered only after its message is
// committed, and each checks the X-Hub-Signature-256 HMAC. Each sender is
// one persistent HTTP/1.1 connection driven by a minimal client (write
// the request, read the response) so that the load generator, which
// shares the machine, takes little of the CPU the server is measured on.
// Run it with -benchtime 1x:
//
//	go test -run '^$' -bench WebhookIngest -benchtime 1x ./channels/whatsapp/
func BenchmarkWebhookIngest(b *testing.B) {
	const senders = 64
	e := newEnv(b)
	srv := httptest.NewServer(NewWebhook(e.ch, whatsapptest.PhoneNumberID, testSecrets, e.ib, nil))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	total := webhookbench.Messages(100_000)
	users := max(total/10, 1)
	b.ResetTimer()
	for iter := 0; iter < b.N; iter++ {
		b.StopTimer()
		requests := make([][]byte, total)
		now := time.Now()
		for i := range requests {
			user := strconv.Itoa(989120000000 + i%users)
			body := whatsapptest.TextMessage(user, "مشتری "+user, fmt.Sprintf("wamid.BENCH%d.%d", iter, i),
				fmt.Sprintf("سلام، سفارش من کی می\u200cرسد؟ order %d", i), now)
			requests[i] = fmt.Appendf(nil, "POST /whatsapp HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
				"%s: %s\r\nContent-Length: %d\r\n\r\n%s", host, SignatureHeader, e.api.Sign(body), len(body), body)
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
