package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/peykhq/peyk/channels/telegram/telegramtest"
)

// demoSecretKey encrypts the demo channels' secrets when PEYK_SECRET_KEY
// is not set. It is no secret: the demo's secrets guard only stand-ins.
const demoSecretKey = "peyk-demo-secret-key-not-for-production"

// demoOptions tune a demo run.
type demoOptions struct {
	// Every is the pause between two simulated messages after the burst;
	// zero sends the burst only.
	Every time.Duration
	// Password is the password of the demo accounts it creates.
	Password string
	// AnswerAfter is how long a customer takes to answer an agent's
	// message; zero: customers do not answer.
	AnswerAfter time.Duration
	// ready, when set, is called once the burst is stored and the
	// workspace seeded (tests use it).
	ready func(*demoRun)
}

// demoRun is one running demo: its stand-ins, channels and customers.
type demoRun struct {
	a         *app
	ws        demoWorkspace
	chans     demoChannels
	customers *demoCustomers
	smtp      *demoSMTP
	bot       *telegramtest.Server
	base      string
}

// demoCmd is `peyk demo`: `peyk serve` on a demo workspace. It creates
// (once) the admin, two agents, a team, an SLA policy, canned responses
// and one channel of each kind, each pointing at a stand-in started in
// this process on a loopback port — an IMAP and an SMTP server, a
// Telegram Bot API, a Twilio REST API — and then plays customers who write
// in through each channel's real adapter: a burst at once, then a message
// every --every. Nothing leaves the machine.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("demo", stderr)
	var opt demoOptions
	fs.DurationVar(&opt.Every, "every", 20*time.Second, "pause between simulated messages after the first burst (0: the burst only)")
	fs.DurationVar(&opt.AnswerAfter, "answer-after", 5*time.Second, "how soon a simulated customer answers an agent's message (0: never)")
	fs.StringVar(&opt.Password, "password", env("PEYK_ADMIN_PASSWORD", "peyk-demo"), "password of the demo accounts it creates (existing ones keep theirs)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return runDemo(ctx, cfg, opt, stdout, stderr)
}

// runDemo sets up the demo, serves, and plays the customers until ctx
// ends.
func runDemo(ctx context.Context, cfg *config, opt demoOptions, stdout, stderr io.Writer) error {
	keyless := cfg.SecretKey == ""
	if keyless {
		cfg.SecretKey = demoSecretKey
	}
	addr, err := demoAddr(cfg.HTTPAddr)
	if err != nil {
		return err
	}
	cfg.HTTPAddr = addr
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer a.close()
	if keyless {
		a.log.Warn("demo: PEYK_SECRET_KEY is not set; channel secrets are encrypted with a fixed demo key (set it before adding real channels)")
	}
	d := &demoRun{a: a, base: "http://" + loopback(addr)}
	files, err := newDemoFiles()
	if err != nil {
		return err
	}
	imap, err := startDemoIMAP(a.log)
	if err != nil {
		return fmt.Errorf("demo: imap stand-in: %w", err)
	}
	defer imap.close()
	if d.smtp, err = startDemoSMTP(a.log); err != nil {
		return fmt.Errorf("demo: smtp stand-in: %w", err)
	}
	defer d.smtp.close()
	d.bot = telegramtest.New(demoBotToken)
	defer d.bot.Close()
	standins, stopStandins := context.WithCancel(context.Background())
	defer stopStandins()
	tw := startDemoTwilio(standins, a.log)
	defer tw.close()

	if d.ws, err = seedWorkspace(ctx, a, opt.Password); err != nil {
		return err
	}
	if d.chans, err = ensureChannels(ctx, a, demoServers{imap: imap, smtp: d.smtp, twilio: tw, bot: d.bot.URL, base: d.base}); err != nil {
		return err
	}
	d.customers = &demoCustomers{imap: imap, bot: d.bot, base: d.base, chans: d.chans, files: files}

	serving, stopServing := context.WithCancel(ctx)
	defer stopServing()
	if opt.AnswerAfter > 0 {
		answers := newDemoAnswers(serving, d.customers, opt.AnswerAfter, a.log)
		d.smtp.onMail(answers.mail)
		tw.notify(answers.sms)
		answers.watch(serving)
		defer func() { stopServing(); answers.wait() }()
	}
	served := make(chan error, 1)
	go func() { served <- serveCmd(serving, serveArgs(cfg), stdout, stderr) }()
	if err := waitReady(ctx, d.base, served); err != nil {
		return err
	}
	printDemo(stdout, d)
	if err := d.start(ctx); err != nil {
		stopServing()
		if serr := <-served; ctx.Err() != nil { // stopped while starting
			return serr
		}
		return err
	}
	fmt.Fprintf(stdout, "demo: the inbox is full; a customer writes every %s (Ctrl-C stops)\n", opt.Every)
	if opt.ready != nil {
		opt.ready(d)
	}
	trickled := make(chan struct{})
	go func() { defer close(trickled); d.trickle(serving, opt.Every) }()
	err = <-served // at Ctrl-C, or when serving fails
	stopServing()
	<-trickled
	return err
}

// start sends the burst, imports the call log, seeds the workspace once
// the burst is stored, and sends the follow-ups.
func (d *demoRun) start(ctx context.Context) error {
	p := newDemoPeople()
	burst := demoBurst(p)
	for _, e := range burst {
		if err := d.customers.do(ctx, e); err != nil {
			return err
		}
	}
	if _, err := importDemoCDR(ctx, d.a, d.chans.Phone, demoCDR(p)); err != nil {
		return fmt.Errorf("demo: import the call log: %w", err)
	}
	if err := waitStored(ctx, d.a, d.customers, burst, time.Minute); err != nil {
		return err
	}
	if err := seedConversations(ctx, d.a, d.customers, d.ws, burst); err != nil {
		return fmt.Errorf("demo: seed conversations: %w", err)
	}
	follow := demoFollowups(p)
	for _, e := range follow {
		if err := d.customers.do(ctx, e); err != nil {
			return err
		}
	}
	return waitStored(ctx, d.a, d.customers, follow, time.Minute)
}

// trickle sends a live event every pause until ctx ends. A failed one is
// logged and the next is tried.
func (d *demoRun) trickle(ctx context.Context, pause time.Duration) {
	if pause <= 0 {
		<-ctx.Done()
		return
	}
	p := newDemoPeople()
	n := int(time.Now().Unix() / int64(max(pause/time.Second, 1))) // a restart goes on, roughly, where it stopped
	t := time.NewTicker(pause)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			n++
			e := demoLive(p, n, demoLiveID(now))
			if err := d.customers.do(ctx, e); err != nil && ctx.Err() == nil {
				d.a.log.Warn("demo: simulated customer", "err", err)
				continue
			}
			d.a.log.Info("demo: a customer wrote", "channel", e.Via, "from", e.Who.String())
		}
	}
}

// demoAddr returns the address to serve on: addr, with a free port when
// its port is 0 (the customers need to know it). It fails when addr is
// taken before the demo repoints its channels at new stand-ins — another
// demo may be using them.
func demoAddr(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("demo: listen on %s (is Peyk running already?): %w", addr, err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// serveArgs are the flags that make `peyk serve` use cfg.
func serveArgs(cfg *config) []string {
	return []string{"--database-url=" + cfg.DatabaseURL, "--redis-url=" + cfg.RedisURL,
		"--http-addr=" + cfg.HTTPAddr, "--secret-key=" + cfg.SecretKey, "--log-level=" + cfg.LogLevel}
}

// waitReady waits until the server answers /readyz, or fails when serving
// ended.
func waitReady(ctx context.Context, base string, served <-chan error) error {
	url := base + "/readyz"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-served:
			if err == nil {
				err = errors.New("serve stopped")
			}
			return err
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// printDemo says where to log in and what was set up.
func printDemo(w io.Writer, d *demoRun) {
	fmt.Fprintf(w, "\n  Peyk demo: open %s\n\n", d.base)
	for _, acc := range append([]demoAccount{d.ws.Admin}, d.ws.Agents...) {
		pass := acc.Password
		if !acc.Created {
			pass = "(its existing password)"
		}
		fmt.Fprintf(w, "  %-6s %-18s %s\n", acc.Role, acc.Email, pass)
	}
	fmt.Fprintf(w, "\n  Channels (stand-ins on 127.0.0.1): email #%d, telegram #%d, sms #%d, phone #%d\n\n",
		d.chans.Email, d.chans.Telegram, d.chans.SMS, d.chans.Phone)
}

// loopback returns addr with a wildcard or missing host replaced by
// 127.0.0.1, the address to reach it on from this machine.
func loopback(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
