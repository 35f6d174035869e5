package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/jackc/pgx/v5/pgxpool"
)

// kannel is a real Kannel gateway started by a test: bearerbox with a fake
// SMSC, smsbox with its sendsms interface, and fakesmsc, the fake SMSC's
// client standing in for the phone network.
type kannel struct {
	dir         string
	bearerbox   string
	smsbox      string
	fakesmsc    string
	smscPort    int // the fake SMSC fakesmsc connects to
	sendsmsPort int // smsbox's sendsms HTTP interface
	procs       []*exec.Cmd
}

// kannelBinaries finds bearerbox, smsbox (Debian's kannel) and fakesmsc
// (kannel-extras). Missing ones skip the test, except in CI (CI=true),
// where the Kannel round trip must run: the Makefile's test target installs
// them (scripts/services.sh kannel).
func kannelBinaries(t *testing.T) (bearerbox, smsbox, fakesmsc string) {
	t.Helper()
	find := func(name string, dirs ...string) string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, d := range dirs {
			if p := filepath.Join(d, name); isExec(p) {
				return p
			}
		}
		return ""
	}
	bearerbox = find("bearerbox", "/usr/sbin", "/usr/local/sbin")
	smsbox = find("smsbox", "/usr/sbin", "/usr/local/sbin")
	fakesmsc = find("fakesmsc", "/usr/lib/kannel/test", "/usr/local/lib/kannel/test")
	if bearerbox == "" || smsbox == "" || fakesmsc == "" {
		msg := "Kannel is not installed (bearerbox and smsbox: Debian package kannel; fakesmsc: kannel-extras); " +
			"install them with: sudo apt-get install kannel kannel-extras (make test does, as root)"
		if ci := strings.ToLower(os.Getenv("CI")); ci != "" && ci != "0" && ci != "false" {
			t.Fatal(msg + "; in CI the Kannel round trip must run")
		}
		t.Skip(msg)
	}
	return bearerbox, smsbox, fakesmsc
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startKannel writes a kannel.conf of its own in a temporary folder and
// starts bearerbox and smsbox on free ports. getURL is the sms-service's
// get-url: where Kannel hands each incoming SMS.
func startKannel(t *testing.T, getURL string) *kannel {
	t.Helper()
	k := &kannel{dir: t.TempDir(), smscPort: freePort(t), sendsmsPort: freePort(t)}
	k.bearerbox, k.smsbox, k.fakesmsc = kannelBinaries(t)
	adminPort, boxPort := freePort(t), freePort(t)
	conf := fmt.Sprintf(`group = core
admin-port = %d
admin-password = "%s"
admin-allow-ip = "127.0.0.1"
admin-deny-ip = "*.*.*.*"
smsbox-port = %d
box-allow-ip = "127.0.0.1"
box-deny-ip = "*.*.*.*"
log-file = "%s/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = %d
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = %d
sendsms-interface = 127.0.0.1
mo-recode = true
http-request-retry = 3
http-queue-delay = 1
log-file = "%s/smsbox.log"
log-level = 1

group = sendsms-user
username = peyk
password = "%s"
concatenation = true
max-messages = 10

group = sms-service
keyword = default
get-url = "%s"
max-messages = 0
`, adminPort, strconv.FormatInt(time.Now().UnixNano(), 36), boxPort, k.dir, k.smscPort, k.sendsmsPort, k.dir, kannelPassword, getURL)
	path := filepath.Join(k.dir, "kannel.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := len(k.procs) - 1; i >= 0; i-- {
			p := k.procs[i]
			_ = p.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = p.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = p.Process.Kill()
				<-done
			}
		}
		if t.Failed() {
			k.dumpLogs(t)
		}
	})
	k.start(t, "bearerbox", k.bearerbox, path)
	waitPort(t, "bearerbox's smsbox port", boxPort, k)
	waitPort(t, "the fake SMSC", k.smscPort, k)
	k.start(t, "smsbox", k.smsbox, path)
	waitPort(t, "smsbox's sendsms port", k.sendsmsPort, k)
	return k
}

// start runs a Kannel program with its output in the test's folder.
func (k *kannel) start(t *testing.T, name, bin string, args ...string) *exec.Cmd {
	t.Helper()
	out, err := os.Create(filepath.Join(k.dir, name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = k.dir, out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	k.procs = append(k.procs, cmd)
	return cmd
}

// mo starts fakesmsc, which sends one SMS from sender to receiver (text in
// UCS-2, as a phone sends Persian) and then stays connected, printing
// each SMS Kannel sends it ("Got message N: <from to type text>").
func (k *kannel) mo(t *testing.T, sender, receiver, text string) {
	t.Helper()
	var ucs2 bytes.Buffer
	for _, u := range utf16.Encode([]rune(text)) {
		ucs2.WriteByte(byte(u >> 8))
		ucs2.WriteByte(byte(u))
	}
	enc := hex.EncodeToString(ucs2.Bytes())
	var pct strings.Builder
	for i := 0; i < len(enc); i += 2 {
		pct.WriteString("%" + enc[i:i+2])
	}
	k.start(t, "fakesmsc", k.fakesmsc, "-H", "127.0.0.1", "-r", strconv.Itoa(k.smscPort), "-i", "0", "-m", "1",
		fmt.Sprintf("%s %s ucs2 %s", sender, receiver, pct.String()))
}

// received returns what fakesmsc has printed: the SMS Kannel sent out.
func (k *kannel) received() string {
	b, _ := os.ReadFile(filepath.Join(k.dir, "fakesmsc.out"))
	return string(b)
}

func (k *kannel) dumpLogs(t *testing.T) {
	for _, name := range []string{"bearerbox.log", "smsbox.log", "bearerbox.out", "smsbox.out", "fakesmsc.out"} {
		b, err := os.ReadFile(filepath.Join(k.dir, name))
		if err != nil {
			continue
		}
		if len(b) > 6000 {
			b = b[len(b)-6000:]
		}
		t.Logf("--- %s (end):\n%s", name, b)
	}
}

func waitPort(t *testing.T, what string, port int, k *kannel) {
	t.Helper()
	waitFor(t, what, func() bool {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, func() { k.dumpLogs(t) })
}

// TestKannelRoundTrip runs Peyk (`peyk serve`, workers included) against a
// real Kannel with the documented preset (docs/channels.md): an SMS from
// fakesmsc reaches Peyk's webhook as a GET from Kannel's get-url and is
// ingested; an agent's reply goes out through sendsms (Kannel answers
// "0: Accepted for delivery", the message is known by our own id) and the
// fake SMSC's delivery report, through the dlr-url, marks it delivered. The
// Kannel password shows neither in the channel list nor anywhere in the
// message.
func TestKannelRoundTrip(t *testing.T) {
	kannelBinaries(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbURL := freshDatabase(t)
	db := "--database-url=" + dbURL
	t.Setenv("PEYK_SECRET_KEY", "kannel test key")
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	base := "http://" + addr
	served := make(chan error, 1)
	var serveLog syncBuffer
	go func() {
		served <- run(ctx, []string{"serve", db, "--redis-url=" + redisURL(t), "--http-addr=" + addr}, io.Discard, &serveLog)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	waitFor(t, "peyk serve", func() bool {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	}, func() { t.Log(serveLog.String()) })

	// The channel is 1 in a fresh database; Kannel calls its webhooks.
	const secret = "kannel-webhook-secret-1"
	hook := base + "/webhooks/1"
	k := startKannel(t, hook+"/in?secret="+secret+"&from=%p&to=%P&text=%b&id=%I")
	settings := kannelPreset(t, k.sendsmsPort, hook, secret)
	if _, errOut, err := runCmd(t, ctx, "channel", "add", "sms", db, "--name", "kannel", "--config", settings); err != nil {
		t.Fatalf("channel add: %v %s", err, errOut)
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	count := func(sql string, args ...any) int {
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Inbound: fakesmsc → bearerbox → smsbox → GET get-url → Peyk.
	k.mo(t, "09121234567", "3000", "سلام، سفارش من کی می\u200cرسد؟")
	waitFor(t, "the inbound SMS in the inbox", func() bool {
		return count(`SELECT count(*) FROM messages WHERE channel_id = 1 AND direction = 'in'`) == 1
	}, func() { k.dumpLogs(t) })
	var conv int64
	var body, ext string
	if err := pool.QueryRow(ctx, `SELECT conversation_id, body, external_id FROM messages WHERE channel_id = 1 AND direction = 'in'`).
		Scan(&conv, &body, &ext); err != nil {
		t.Fatal(err)
	}
	if body != "سلام، سفارش من کی می\u200cرسد؟" || len(ext) != 36 {
		t.Fatalf("inbound body %q, external id %q (want Kannel's message UUID)", body, ext)
	}

	// Outbound: an agent's reply through the API, sent by the worker.
	if _, errOut, err := runCmd(t, ctx, "user", "create", db, "--email=agent@peyk.local", "--role=admin", "--password=peyk-kannel"); err != nil {
		t.Fatalf("user create: %v %s", err, errOut)
	}
	out, errOut, err := runCmd(t, ctx, "token", "create", db, "--email=agent@peyk.local")
	if err != nil {
		t.Fatalf("token create: %v %s", err, errOut)
	}
	token := strings.TrimSpace(out)
	api := func(method, path, body string) string {
		status, b := httpCall(t, method, base+path, body, bearer(token)...)
		if status/100 != 2 {
			t.Fatalf("%s %s = %d %s", method, path, status, b)
		}
		return b
	}
	reply := "فردا صبح می\u200cرسد. Tomorrow morning."
	api("POST", fmt.Sprintf("/api/v1/conversations/%d/messages", conv), fmt.Sprintf(`{"text": %q}`, reply))
	var outID int64
	if err := pool.QueryRow(ctx, `SELECT id FROM messages WHERE conversation_id = $1 AND direction = 'out'`, conv).Scan(&outID); err != nil {
		t.Fatal(err)
	}
	status := func() (st, ext, msgErr string) {
		_ = pool.QueryRow(ctx, `SELECT status, coalesce(external_id, ''), coalesce(error, '') FROM messages WHERE id = $1`, outID).
			Scan(&st, &ext, &msgErr)
		return
	}
	waitFor(t, "the reply delivered (Kannel's delivery report)", func() bool {
		st, _, _ := status()
		return st == "delivered"
	}, func() {
		st, ext, msgErr := status()
		t.Logf("reply %d: status %q, external id %q, error %q", outID, st, ext, msgErr)
		t.Log(serveLog.String())
		k.dumpLogs(t)
	})
	_, gotExt, msgErr := status()
	if gotExt != fmt.Sprintf("peyk-%d", outID) || msgErr != "" {
		t.Fatalf("reply external id %q, error %q", gotExt, msgErr)
	}
	// The phone network (fakesmsc) got it: Kannel sent it as UCS-2 to the
	// customer's number in E.164.
	if got := k.received(); !strings.Contains(got, "Got message") || !strings.Contains(got, "+989121234567 ucs-2") {
		t.Fatalf("fakesmsc did not get the reply:\n%s", got)
	}

	// The Kannel password and the webhook secret stay hidden.
	list := api("GET", "/api/v1/channels", "")
	msgs := api("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", conv), "")
	for _, leak := range []string{kannelPassword, secret} {
		if strings.Contains(list, leak) || strings.Contains(msgs, leak) || strings.Contains(serveLog.String(), leak) {
			t.Errorf("%q shows in the channel list, the messages or the log", leak)
		}
	}
	if !strings.Contains(list, "REDACTED") {
		t.Errorf("channel list = %s", list)
	}
}

// kannelPreset returns the generic driver's settings for Kannel, as
// docs/channels.md documents them, pointed at this test's ports.
func kannelPreset(t *testing.T, sendsmsPort int, hook, secret string) string {
	t.Helper()
	preset := map[string]any{
		"driver":   "generic",
		"send_url": fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", sendsmsPort),
		"method":   "GET",
		"from":     "3000",
		"form": map[string]string{
			"username": "peyk", "password": kannelPassword,
			"to": "{{.To}}", "from": "{{.From}}", "text": "{{.Text}}",
			"coding": "2", "charset": "UTF-8", "dlr-mask": "31",
			"dlr-url": hook + "/status?secret=" + secret + "&id=peyk-{{.MessageID}}&status=%d&reply=%A",
		},
		"external_id": "peyk-{{.MessageID}}",
		"status": map[string]any{"error": "reply",
			"values": map[string]string{"1": "delivered", "2": "failed", "8": "sent", "16": "failed"}},
		"secret": secret,
	}
	b, err := json.Marshal(preset)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
