package kavenegar_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/channels/sms/kavenegar"
)

func TestSend(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{replies: map[string][]string{"sms/send": {"send.json"}}}
	g := newGateway(t, api, nil)
	const text = "سلام، سفارش شما ارسال شد"
	res, err := g.Send(context.Background(), channels.Outbound{MessageID: 42,
		To: channels.Identity{Kind: channels.IdentityPhone, Value: "+989123456789"}, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExternalID != "8792343" {
		t.Fatalf("ExternalID = %q, want 8792343", res.ExternalID)
	}
	c := api.calledWith()[0]
	if c.key != testKey || c.method != "sms/send" {
		t.Fatalf("called %s with key %s", c.method, c.key)
	}
	if c.form.Get("receptor") != "+989123456789" || c.form.Get("message") != text ||
		c.form.Get("sender") != testLine || c.form.Get("localid") != "42" {
		t.Fatalf("form = %v", c.form)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file       string
		httpStatus int
		permanent  bool
		retryAfter bool
		mention    string
	}{
		{file: "send_411.json", permanent: true, mention: "411"},
		{file: "send_412.json", permanent: true, mention: "412"},
		{file: "send_414.json", permanent: true, mention: "414"},
		{file: "send_418.json", permanent: true, mention: "اعتبار حساب شما کافی نیست"},
		{file: "send_403.json", permanent: true, mention: "403"},
		{file: "send_409.json", mention: "409"},
		{file: "send_451.json", retryAfter: true, mention: "451"},
		{file: "send_411.json", httpStatus: 200, permanent: true, mention: "411"}, // status in the body, HTTP 200
		{file: "", mention: "HTTP 404 with no Kavenegar reply"},
	} {
		t.Run(tc.file+"/"+tc.mention, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{replies: map[string][]string{"sms/send": {tc.file}}, status: tc.httpStatus}
			g := newGateway(t, api, nil)
			_, err := g.Send(context.Background(), channels.Outbound{To: channels.Identity{Value: "0912"}, Text: "x"})
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, channels.ErrPermanent) != tc.permanent {
				t.Fatalf("err = %v, permanent = %v, want %v", err, !tc.permanent, tc.permanent)
			}
			var ra *channels.RetryAfterError
			if errors.As(err, &ra) != tc.retryAfter {
				t.Fatalf("err = %v, want retry-after %v", err, tc.retryAfter)
			}
			if ra != nil && ra.After < time.Second {
				t.Fatalf("retry after %s", ra.After)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.mention)
			}
			var ae *kavenegar.APIError
			if tc.file != "" && !errors.As(err, &ae) {
				t.Fatalf("err = %v is not an *APIError", err)
			}
		})
	}
}

// A proxy's HTML error page is a transient failure.
func TestSendHTMLError(t *testing.T) {
	t.Parallel()
	g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>Bad Gateway</html>", http.StatusBadGateway)
	}), nil)
	_, err := g.Send(context.Background(), channels.Outbound{To: channels.Identity{Value: "0912"}, Text: "x"})
	if err == nil || errors.Is(err, channels.ErrPermanent) || !strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("err = %v, want a transient HTTP 502 error", err)
	}
}

// The API key travels in the URL path; errors must not show it.
func TestErrorsHideAPIKey(t *testing.T) {
	t.Parallel()
	g := newGateway(t, nil, nil) // nothing listens at the API base
	_, err := g.Send(context.Background(), channels.Outbound{To: channels.Identity{Value: "0912"}, Text: "x"})
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), testKey) {
		t.Fatalf("error shows the API key: %v", err)
	}
	if !strings.Contains(err.Error(), "API-KEY") {
		t.Fatalf("err = %v, want the redacted URL", err)
	}
}

func TestSendAttachmentRefused(t *testing.T) {
	t.Parallel()
	g := newGateway(t, &fakeAPI{}, nil)
	_, err := g.Send(context.Background(), channels.Outbound{To: channels.Identity{Value: "0912"},
		Attachments: []channels.Attachment{{Name: "a.jpg"}}})
	if !errors.Is(err, channels.ErrPermanent) {
		t.Fatalf("err = %v, want permanent", err)
	}
}

func TestTest(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{replies: map[string][]string{"account/info": {"send_403.json"}}}
	err := newGateway(t, api, nil).Test(context.Background())
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("Test = %v, want the 403", err)
	}
}
