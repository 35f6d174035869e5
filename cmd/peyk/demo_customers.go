package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/peykhq/peyk/channels/telegram/telegramtest"
)

// demoCustomers plays the simulated customers: each event goes in through
// its channel's real path — a mail into the IMAP mailbox, an update on the
// Bot API stand-in, a signed Twilio webhook, a PBX call event — and the
// running server's adapters take it from there.
type demoCustomers struct {
	imap  *demoIMAP
	bot   *telegramtest.Server
	base  string // the Peyk server, http://127.0.0.1:port
	chans demoChannels
	files demoFiles

	mu       sync.Mutex
	telegram map[int64]demoCustomer // who wrote from each Telegram account
}

// telegramUser returns the customer who has written from Telegram user id.
func (c *demoCustomers) telegramUser(id int64) (demoCustomer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	who, ok := c.telegram[id]
	return who, ok
}

// do sends one event.
func (c *demoCustomers) do(ctx context.Context, e demoEvent) error {
	var err error
	switch e.Via {
	case viaEmail:
		var raw []byte
		if raw, err = demoMailOf(e, c.files); err == nil {
			err = c.imap.deliver(raw)
		}
	case viaTelegram:
		err = c.sendUpdate(e)
	case viaSMS:
		form := url.Values{"MessageSid": {demoSMSSid(e.ID)}, "AccountSid": {demoTwilioSID},
			"From": {e.Who.Phone}, "To": {demoSMSNumber}, "Body": {e.Text}, "NumMedia": {"0"}}
		err = postTwilio(ctx, fmt.Sprintf("%s/webhooks/%d/in", c.base, c.chans.SMS), form)
	case viaCall:
		err = c.call(ctx, e)
	default:
		err = fmt.Errorf("unknown channel %q", e.Via)
	}
	if err != nil {
		return fmt.Errorf("demo: %s %s: %w", e.Via, e.ID, err)
	}
	return nil
}

// sendUpdate adds the Bot API update a Telegram user's message makes.
func (c *demoCustomers) sendUpdate(e demoEvent) error {
	c.mu.Lock()
	if c.telegram == nil {
		c.telegram = make(map[int64]demoCustomer)
	}
	c.telegram[e.Who.Telegram] = e.Who
	c.mu.Unlock()
	from := map[string]any{"id": e.Who.Telegram, "is_bot": false, "first_name": e.Who.First, "language_code": "fa"}
	if e.Who.Last != "" {
		from["last_name"] = e.Who.Last
	}
	msg := map[string]any{
		"message_id": demoTelegramMessageID(e.ID),
		"from":       from,
		"chat":       map[string]any{"id": e.Who.Telegram, "type": "private", "first_name": e.Who.First},
		"date":       time.Now().Unix(),
	}
	switch {
	case e.Contact:
		msg["contact"] = map[string]any{"phone_number": e.Who.Phone, "first_name": e.Who.First,
			"last_name": e.Who.Last, "user_id": e.Who.Telegram}
	case e.Attach:
		fileID := "demo-photo-" + e.ID
		c.bot.AddFile(fileID, "photos/"+e.ID+".png", c.files.Photo)
		msg["photo"] = []map[string]any{{"file_id": fileID, "file_unique_id": "u-" + fileID,
			"width": demoPhotoWidth, "height": demoPhotoHeight, "file_size": len(c.files.Photo)}}
		msg["caption"] = e.Text
	default:
		msg["text"] = e.Text
	}
	raw, err := json.Marshal(map[string]any{"message": msg})
	if err != nil {
		return err
	}
	c.bot.AddUpdate(raw)
	return nil
}

// call posts a PBX call event to the phone channel's webhook.
func (c *demoCustomers) call(ctx context.Context, e demoEvent) error {
	ev := map[string]any{"id": e.ID, "direction": "in", "from": e.Who.Local, "to": demoPBXNumber,
		"disposition": e.Disposition, "duration": e.Seconds + 12, "billsec": e.Seconds,
		"start": time.Now().Add(-time.Duration(e.Seconds+12) * time.Second).Format(time.RFC3339), "name": e.Who.Name()}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/webhooks/%d", c.base, c.chans.Phone), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Peyk-Secret", demoPBXSecret)
	return doWebhook(req)
}

// externalID is the id the inbox stores e's message under, and the
// channel it arrives on.
func (c *demoCustomers) externalID(e demoEvent) (channel int64, id string) {
	switch e.Via {
	case viaEmail:
		return c.chans.Email, demoMessageID(e.ID)
	case viaTelegram:
		return c.chans.Telegram, strconv.FormatInt(e.Who.Telegram, 10) + ":" + strconv.Itoa(demoTelegramMessageID(e.ID))
	case viaSMS:
		return c.chans.SMS, demoSMSSid(e.ID)
	}
	return c.chans.Phone, "pbx:" + e.ID
}

// demoSMSSid is the Twilio MessageSid of an SMS event.
func demoSMSSid(id string) string { return "SMdemo-" + id }

// demoMessageID is the Message-ID (without brackets) of a mail event.
func demoMessageID(id string) string { return id + "@customers.peyk-demo.test" }

// demoTelegramMessageID is the Telegram message_id of an event: a
// stable number for the burst's named events, the time for live ones
// (their ids carry it).
func demoTelegramMessageID(id string) int {
	var n int64
	if _, err := fmt.Sscanf(id, "live-%d", &n); err == nil {
		return int(n / int64(time.Millisecond))
	}
	h := 0
	for _, r := range id {
		h = (h*31 + int(r)) % 1_000_000
	}
	return h + 1
}
