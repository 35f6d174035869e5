package kavenegar

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/peykhq/peyk/channels"
)

// Send sends m's text through sms/send.json and returns Kavenegar's
// message id. The inbox message id goes along as localid, which Kavenegar
// uses to refuse a second send of the same message. A reply whose
// return.status is not 200 is an *APIError, permanent where the code means
// bad input (see APIError.Unwrap). Kavenegar sends no MMS: a message with
// attachments fails permanently.
func (g *Gateway) Send(ctx context.Context, m channels.Outbound) (channels.SendResult, error) {
	if len(m.Attachments) > 0 {
		return channels.SendResult{}, fmt.Errorf("kavenegar: SMS cannot carry attachments: %w", channels.ErrPermanent)
	}
	params := url.Values{"receptor": {m.To.Value}, "message": {m.Text}}
	if g.cfg.Sender != "" {
		params.Set("sender", g.cfg.Sender)
	}
	if m.MessageID > 0 {
		params.Set("localid", strconv.FormatInt(m.MessageID, 10))
	}
	var entries []entry
	if err := g.call(ctx, "sms/send", params, &entries); err != nil {
		return channels.SendResult{}, fmt.Errorf("kavenegar: send to %s: %w", m.To.Value, err)
	}
	if len(entries) == 0 || entries[0].MessageID == 0 {
		return channels.SendResult{}, errors.New("kavenegar: send: the reply has no message id")
	}
	return channels.SendResult{ExternalID: strconv.FormatInt(entries[0].MessageID, 10)}, nil
}

// Test checks the API key by fetching the account's information.
func (g *Gateway) Test(ctx context.Context) error {
	if err := g.call(ctx, "account/info", url.Values{}, nil); err != nil {
		return fmt.Errorf("kavenegar: check account: %w", err)
	}
	return nil
}
