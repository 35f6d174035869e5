package phonelog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/phonelog"
)

// checkCall fails t unless in is a call the inbox can take.
func checkCall(t *testing.T, in channels.Inbound) {
	t.Helper()
	id := in.ExternalID
	if id == "" || len(id) > 1000 || !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
		t.Fatalf("external id %q", id)
	}
	if in.Kind != channels.KindCall || (in.Direction != channels.In && in.Direction != channels.Out) || in.ChannelID <= 0 {
		t.Fatalf("call %+v", in)
	}
	digits := 0
	for _, r := range in.From.Value {
		if r >= '0' && r <= '9' || r >= '۰' && r <= '۹' || r >= '٠' && r <= '٩' {
			digits++
		}
	}
	if in.From.Kind != channels.IdentityPhone || digits < 3 || digits > 20 || !utf8.ValidString(in.From.Value) {
		t.Fatalf("customer %+v", in.From)
	}
	c := in.Call
	if c == nil || c.Duration < 0 || c.Billable < 0 || in.Text == "" {
		t.Fatalf("call %+v", c)
	}
	switch c.Disposition {
	case phonelog.Answered, phonelog.NoAnswer, phonelog.Busy, phonelog.Failed, phonelog.Congestion:
	default:
		t.Fatalf("disposition %q", c.Disposition)
	}
}

func FuzzAsteriskCSV(f *testing.F) {
	for _, name := range []string{"testdata/Master.csv", "testdata/calls.csv"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
		f.Add(b, uint8(2))
	}
	f.Add([]byte(cdrRows(3, 2)), uint8(0))
	f.Add([]byte("\"a\nb\",\"c\"\"\"\n,,,\n\"unterminated"), uint8(0))
	f.Add([]byte("start,from,to,disposition\n2026-03-21 09:00:00,۰۹۱۲۱۲۳۴۵۶۷,101,busy\n"), uint8(1))
	formats := []phonelog.Format{phonelog.Asterisk, phonelog.Generic, phonelog.Auto}
	cfg := testConfig
	cfg.RecordingURL = "https://pbx/{{.UniqueID}}/{{.Customer | urlquery}}"
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		rd, err := phonelog.NewReader(bytes.NewReader(data), formats[int(format)%len(formats)], 3, cfg)
		if err != nil {
			return
		}
		line := 0
		for rows := 0; ; rows++ {
			if rows > len(data)+1 {
				t.Fatal("more rows than bytes")
			}
			in, err := rd.Next()
			var re *phonelog.RowError
			switch {
			case err == io.EOF:
				if rd.Offset() != int64(len(data)) {
					t.Fatalf("offset %d at EOF of %d bytes", rd.Offset(), len(data))
				}
				return
			case errors.As(err, &re):
				if re.Line < 1 || re.Line < line {
					t.Fatalf("row error on line %d after line %d", re.Line, line)
				}
			case err != nil:
				t.Fatal(err)
			default:
				checkCall(t, in)
			}
			line = rd.Line()
		}
	})
}

// sinkRecorder keeps what it is given.
type sinkRecorder struct{ got []channels.Inbound }

func (s *sinkRecorder) Ingest(_ context.Context, b []channels.Inbound) error {
	s.got = append(s.got, b...)
	return nil
}

func FuzzWebhook(f *testing.F) {
	f.Add(uint8(0), true, []byte(`{"id":"1","from":"09121234567","to":"100","disposition":"ANSWERED","duration":3,"billsec":"2","start":"2026-03-21 09:00:00"}`))
	f.Add(uint8(0), true, []byte(`[{"id":"1","direction":"out","from":"101","to":"+98 912 123 4567","disposition":"busy"},{"id":"2","from":"0912","disposition":"x"}]`))
	f.Add(uint8(1), true, []byte(twilioForm("CA1", "completed", "inbound", "42").Encode()))
	f.Add(uint8(1), true, []byte(twilioForm("CA2", "ringing", "outbound-dial", "").Encode()))
	f.Add(uint8(1), false, []byte("CallSid=CA1&From=%ZZ"))
	f.Add(uint8(2), true, []byte("hello"))
	types := []string{"application/json", "application/x-www-form-urlencoded", "text/plain", ""}
	cfg := testConfig
	cfg.TwilioAuthToken = twilioToken
	cfg.RecordingURL = "https://pbx/{{.UniqueID}}"
	f.Fuzz(func(t *testing.T, ct uint8, authorized bool, body []byte) {
		sink := &sinkRecorder{}
		h := phonelog.NewWebhook(5, cfg, sink, hookSecret)
		r := httptest.NewRequest(http.MethodPost, hookURL, bytes.NewReader(body))
		contentType := types[int(ct)%len(types)]
		r.Header.Set("Content-Type", contentType)
		if authorized {
			if form, err := url.ParseQuery(string(body)); err == nil && ct%2 == 1 {
				r.Header.Set("X-Twilio-Signature", sign(hookURL, form)["X-Twilio-Signature"])
			} else {
				r.Header.Set("X-Peyk-Secret", hookSecret)
			}
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var reply map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil {
			t.Fatalf("reply %q: %v", w.Body.String(), err)
		}
		switch w.Code {
		case http.StatusOK:
			if !authorized {
				t.Fatal("stored without a secret")
			}
			if reply["stored"] != float64(len(sink.got)) {
				t.Fatalf("reply %v, stored %d", reply, len(sink.got))
			}
			for _, in := range sink.got {
				checkCall(t, in)
			}
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			if len(sink.got) > 0 {
				t.Fatalf("status %d but stored %d", w.Code, len(sink.got))
			}
			if msg, _ := reply["error"].(string); msg == "" {
				t.Fatalf("status %d without a reason: %v", w.Code, reply)
			}
		default:
			t.Fatalf("status %d: %v", w.Code, reply)
		}
	})
}
