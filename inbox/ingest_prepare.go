package inbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/crm"
)

// item is one validated, cleaned inbound message ready for a transaction.
type item struct {
	in        channels.Inbound
	group     []channels.Identity // normalized sender first, then Also
	truncated bool
	ref       int64 // «[#ref]» found in the subject, 0 if none
	headers   []byte
	call      []byte
	atts      []attachment
}

var subjectRef = regexp.MustCompile(`\[#(\d{1,18})\]`)

// callJSON is a call's stored details (messages.call). Its fields are in
// the order of their names, as encoding/json writes a map's keys.
type callJSON struct {
	Billable     int64  `json:"billable"`
	Disposition  string `json:"disposition"`
	Duration     int64  `json:"duration"`
	RecordingURL string `json:"recording_url"`
}

// prepare validates and cleans one Inbound. Errors wrap ErrInvalid and say
// which field is wrong. Documented fallbacks instead of errors: invalid
// UTF-8 is replaced by U+FFFD and NUL bytes dropped; bodies longer than
// MaxBody are cut and marked truncated; Also identities that do not
// normalize are dropped.
func (ib *Inbox) prepare(in channels.Inbound) (item, error) {
	var it item
	if in.ChannelID <= 0 {
		return it, fmt.Errorf("inbox: message %q: no channel id: %w", in.ExternalID, ErrInvalid)
	}
	if strings.TrimSpace(in.ExternalID) == "" {
		return it, fmt.Errorf("inbox: message on channel %d: empty external id: %w", in.ChannelID, ErrInvalid)
	}
	if len(in.ExternalID) > 1000 || !utf8.ValidString(in.ExternalID) || strings.ContainsRune(in.ExternalID, 0) {
		return it, fmt.Errorf("inbox: message on channel %d: external id is not short valid UTF-8: %w", in.ChannelID, ErrInvalid)
	}
	switch in.Direction {
	case "":
		in.Direction = channels.In
	case channels.In, channels.Out:
	default:
		return it, fmt.Errorf("inbox: message %q: direction %q: %w", in.ExternalID, in.Direction, ErrInvalid)
	}
	switch in.Kind {
	case "":
		in.Kind = channels.KindText
	case channels.KindText, channels.KindEmail, channels.KindCall, channels.KindNote, channels.KindEvent:
	default:
		return it, fmt.Errorf("inbox: message %q: kind %q: %w", in.ExternalID, in.Kind, ErrInvalid)
	}
	from, err := crm.NormalizeWith(ib.cfg.Kinds, in.From)
	if err != nil {
		return it, fmt.Errorf("inbox: message %q: sender: %w", in.ExternalID, err)
	}
	it.group = append(it.group, from)
	for _, a := range in.Also {
		if n, err := crm.NormalizeWith(ib.cfg.Kinds, a); err == nil {
			it.group = append(it.group, n)
		}
	}
	var cut bool
	in.Text, cut = clean(in.Text, ib.cfg.MaxBody)
	it.truncated = cut
	in.HTML, cut = clean(in.HTML, ib.cfg.MaxBody)
	it.truncated = it.truncated || cut
	in.Thread.Subject, _ = clean(in.Thread.Subject, 2000)
	in.Thread.MessageID = cleanID(in.Thread.MessageID)
	in.Thread.InReplyTo = cleanID(in.Thread.InReplyTo)
	in.Thread.ReplyToken, _ = clean(in.Thread.ReplyToken, 100)
	refs := in.Thread.References[:0:0]
	for _, r := range in.Thread.References {
		if r = cleanID(r); r != "" {
			refs = append(refs, r)
		}
	}
	in.Thread.References = refs
	// The last «[#ref]» is ours: replies put it at the end, and a subject
	// quoting another system's reference keeps that one in front.
	if ms := subjectRef.FindAllStringSubmatch(crm.FoldDigits(in.Thread.Subject), -1); ms != nil {
		it.ref, _ = strconv.ParseInt(ms[len(ms)-1][1], 10, 64)
	}
	if len(in.Headers) > 0 {
		h := make(map[string]string, len(in.Headers))
		for k, v := range in.Headers {
			k, _ = clean(k, 200)
			h[k], _ = clean(v, 8000)
		}
		it.headers, _ = json.Marshal(h)
	}
	if in.Call != nil {
		c := *in.Call
		c.Disposition, _ = clean(strings.ToUpper(strings.TrimSpace(c.Disposition)), 40)
		c.RecordingURL, _ = clean(c.RecordingURL, 2000)
		it.call, _ = json.Marshal(callJSON{Billable: int64(c.Billable / time.Second), Disposition: c.Disposition,
			Duration: int64(c.Duration / time.Second), RecordingURL: c.RecordingURL})
	}
	it.atts = cleanAttachments(in.Attachments)
	if in.SentAt.IsZero() {
		in.SentAt = time.Now()
	}
	in.SentAt = in.SentAt.UTC()
	it.in = in
	return it, nil
}
