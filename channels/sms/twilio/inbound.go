package twilio

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/internal/hook"
)

// maxMedia is the most media Twilio attaches to one message.
const maxMedia = 10

// InboundHandler serves Twilio's incoming-message webhook (the number's
// "A message comes in" URL): a signed form POST with MessageSid, From, To,
// Body, NumMedia and MediaUrlN/MediaContentTypeN. The message goes to sink
// and Twilio gets 200 with an empty TwiML <Response/> once it is committed.
func (g *Gateway) InboundHandler(sink channels.Sink) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := g.verify(w, r)
		if !ok {
			return
		}
		in, err := g.inbound(form)
		if err != nil {
			hook.Error(w, http.StatusBadRequest, err.Error())
			return
		}
		if !hook.Ingest(w, r, g.log, sink, []channels.Inbound{in}) {
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = io.WriteString(w, "<Response/>")
	})
}

// inbound turns the fields of an incoming-message webhook into an Inbound.
func (g *Gateway) inbound(form url.Values) (channels.Inbound, error) {
	sid := form.Get("MessageSid")
	if sid == "" {
		sid = form.Get("SmsSid")
	}
	if sid == "" {
		return channels.Inbound{}, errors.New("missing MessageSid")
	}
	from := form.Get("From")
	if !hook.Phone(from) {
		return channels.Inbound{}, fmt.Errorf("field From (%q) is not a phone number", from)
	}
	in := channels.Inbound{
		ChannelID:  g.cfg.ChannelID,
		ExternalID: sid,
		Kind:       channels.KindText,
		From:       channels.Identity{Kind: channels.IdentityPhone, Value: from},
		Text:       form.Get("Body"),
	}
	if to := form.Get("To"); to != "" {
		in.Headers = map[string]string{"To": to}
	}
	if v := form.Get("NumMedia"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxMedia {
			return channels.Inbound{}, fmt.Errorf("field NumMedia (%q) is not a number from 0 to %d", v, maxMedia)
		}
		for i := range n {
			u := form.Get("MediaUrl" + strconv.Itoa(i))
			if u == "" {
				return channels.Inbound{}, fmt.Errorf("field NumMedia is %d but MediaUrl%d is missing", n, i)
			}
			in.Attachments = append(in.Attachments, channels.Attachment{
				URL:         u,
				ContentType: form.Get("MediaContentType" + strconv.Itoa(i)),
			})
		}
	}
	return in, nil
}
