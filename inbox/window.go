package inbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// LastInbound returns when the contact of conversation conv last wrote on
// channel ch, in any of their conversations; zero when they never did.
// It is what a kind's reply window (channels.Driver.Window) counts from.
func (ib *Inbox) LastInbound(ctx context.Context, conv, ch int64) (time.Time, error) {
	t, err := lastInbound(ctx, ib.pool, conv, ch)
	if err != nil {
		return time.Time{}, fmt.Errorf("inbox: last inbound message of conversation %d on channel %d: %w", conv, ch, err)
	}
	return t, nil
}

// lastInbound is LastInbound on q.
func lastInbound(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}, conv, ch int64) (time.Time, error) {
	var t *time.Time
	err := q.QueryRow(ctx, `SELECT max(m.sent_at) FROM conversations o JOIN messages m ON m.conversation_id = o.id
		WHERE o.contact_id = (SELECT contact_id FROM conversations WHERE id = $1)
			AND m.channel_id = $2 AND m.direction = 'in'`, conv, ch).Scan(&t)
	if err != nil || t == nil {
		return time.Time{}, err
	}
	return *t, nil
}

// templateText checks a template reply and returns the text the timeline
// shows for it: «📋 name (language): param · param».
func templateText(r Reply) (string, error) {
	t := r.Template
	t.Name, t.Language = strings.TrimSpace(t.Name), strings.TrimSpace(t.Language)
	switch {
	case t.Name == "" || t.Language == "":
		return "", fmt.Errorf("a template needs a name and a language: %w", ErrInvalid)
	case strings.TrimSpace(r.Text) != "" || r.HTML != "" || len(r.Attachments) > 0:
		return "", fmt.Errorf("a template is sent without text or files: %w", ErrInvalid)
	}
	text := "📋 " + t.Name + " (" + t.Language + ")"
	if len(t.Params) > 0 {
		text += ": " + strings.Join(t.Params, " · ")
	}
	return text, nil
}
