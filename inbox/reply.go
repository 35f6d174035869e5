package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/peykhq/peyk/channels"
)

// Reply is an agent's (or an automation's) message to a conversation's
// customer.
type Reply struct {
	ConversationID int64
	// AuthorID is the user writing; 0 for automatic messages.
	AuthorID int64
	// ChannelID sends on another channel of the same contact; 0 means the
	// conversation's own channel.
	ChannelID   int64
	Text        string
	HTML        string
	Attachments []channels.Attachment
	// Queue is the delivery queue: "live", "default" or "bulk". Empty means
	// live for an agent's reply and default for an automatic one.
	Queue string
	// Template, when set, sends a provider-approved template instead of
	// text (WhatsApp outside its 24-hour window): only on a kind whose
	// driver declares Templates, and without Text, HTML or Attachments.
	// The timeline shows it as its name, language and parameters.
	Template *channels.Template
}

// QueueName returns the delivery queue of the reply.
func (r Reply) QueueName() string {
	switch {
	case r.Queue != "":
		return r.Queue
	case r.AuthorID != 0:
		return "live"
	}
	return "default"
}

// AddReply stores a reply as a queued outbound message and returns its id;
// a worker delivers it (workers.EnqueueDelivery). The recipient is the
// identity the customer last wrote from on that kind of channel, else any
// of the contact's identities of that kind. Email replies get our own
// Message-ID and thread onto the customer's last mail.
func (ib *Inbox) AddReply(ctx context.Context, r Reply) (int64, error) {
	text, cut := clean(strings.TrimSpace(r.Text), ib.cfg.MaxBody)
	html, cut2 := clean(r.HTML, ib.cfg.MaxBody)
	if cut || cut2 {
		return 0, fmt.Errorf("inbox: reply longer than %d bytes: %w", ib.cfg.MaxBody, ErrInvalid)
	}
	if r.Template != nil {
		var err error
		if text, err = templateText(r); err != nil {
			return 0, fmt.Errorf("inbox: reply: %w", err)
		}
	}
	if text == "" && html == "" && len(r.Attachments) == 0 {
		return 0, fmt.Errorf("inbox: empty reply: %w", ErrInvalid)
	}
	var id int64
	err := pgx.BeginFunc(ctx, ib.pool, func(tx pgx.Tx) error {
		var err error
		id, err = addReply(ctx, tx, ib.cfg.Kinds, r, text, html)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("inbox: reply: %w", err)
	}
	return id, nil
}

// addReply stores a cleaned reply in tx.
func addReply(ctx context.Context, tx pgx.Tx, kinds *channels.Registry, r Reply, text, html string) (int64, error) {
	var id, contact, channel int64
	var kind, subject, from string
	err := tx.QueryRow(ctx, `SELECT c.contact_id, ch.id, ch.kind, c.subject, coalesce(ch.config->>'from', '')
		FROM conversations c JOIN channels ch ON ch.id = COALESCE(NULLIF($2, 0), c.channel_id)
		WHERE c.id = $1 AND ch.enabled FOR UPDATE OF c`, r.ConversationID, r.ChannelID).
		Scan(&contact, &channel, &kind, &subject, &from)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("conversation %d or its channel (enabled): %w", r.ConversationID, ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	to, err := recipient(ctx, tx, kinds, r.ConversationID, contact, kind)
	if err != nil {
		return 0, err
	}
	if d, ok := kinds.Driver(channels.Kind(kind)); r.Template != nil && (!ok || !d.Templates) {
		return 0, fmt.Errorf("channel kind %q sends no templates: %w", kind, ErrInvalid)
	}
	msgKind, msgID, inReplyTo, refs := "text", "", "", []string{}
	if kind == string(channels.Email) {
		msgKind, msgID = "email", channels.NewMessageID(from)
		inReplyTo, refs, err = lastMail(ctx, tx, r.ConversationID)
		if err != nil {
			return 0, err
		}
	}
	err = tx.QueryRow(ctx, `INSERT INTO messages (conversation_id, channel_id, direction, kind, author_id, body, html,
			subject, message_id, in_reply_to, refs, status, identity, queue, template)
		VALUES ($1, $2, 'out', $3, NULLIF($4, 0), $5, $6, $7, NULLIF($8, ''), NULLIF($9, ''), $10, 'queued', $11, $12, $13)
		RETURNING id`, r.ConversationID, channel, msgKind, r.AuthorID, text, html, subject, msgID,
		inReplyTo, refs, identityColumn(to), r.QueueName(), r.Template).Scan(&id)
	if err != nil {
		return 0, err
	}
	var a attachmentRows
	a.add(id, cleanAttachments(r.Attachments))
	b := &pgx.Batch{}
	a.queue(b)
	// An agent's reply answers the customer; an automatic one (a reminder
	// or follow-up) does not stop the SLA clock.
	b.Queue(`UPDATE conversations SET
		first_response_at = CASE WHEN $2 THEN COALESCE(first_response_at, now()) ELSE first_response_at END,
		waiting_since = CASE WHEN $2 THEN NULL ELSE waiting_since END,
		unread = CASE WHEN $2 THEN 0 ELSE unread END,
		last_message_at = now(), updated_at = now() WHERE id = $1`, r.ConversationID, r.AuthorID != 0)
	queueNotify(b, []string{event(Event{Type: "message.created", ConversationID: r.ConversationID,
		MessageID: id, ContactID: contact, ChannelID: channel})})
	return id, tx.SendBatch(ctx, b).Close()
}

// recipient picks the identity a reply on a channel of kind goes to: one
// of the identity kind the kind's driver reaches.
func recipient(ctx context.Context, tx pgx.Tx, kinds *channels.Registry, conv, contact int64, kind string) (channels.Identity, error) {
	idKind, ok := kinds.Reaches(channels.Kind(kind))
	if !ok {
		return channels.Identity{}, fmt.Errorf("channel kind %q cannot send: %w", kind, ErrInvalid)
	}
	var to channels.Identity
	// The identity the contact last wrote from; someone else who wrote
	// into the conversation (through its reply token) is not the customer.
	err := tx.QueryRow(ctx, `SELECT kind, value FROM (
			SELECT ci.kind, ci.value, 0 AS pref, m.id FROM messages m
			JOIN contact_identities ci ON ci.contact_id = $2 AND `+identityIs("ci", "m.identity")+`
			WHERE m.conversation_id = $1 AND m.direction = 'in' AND `+identityKind("m.identity")+` = $3
			UNION ALL
			SELECT i.kind, i.value, 1, -i.id FROM contact_identities i
			WHERE i.contact_id = $2 AND i.kind = $3) x
		ORDER BY pref, id DESC LIMIT 1`, conv, contact, string(idKind)).Scan(&to.Kind, &to.Value)
	if errors.Is(err, pgx.ErrNoRows) {
		return channels.Identity{}, fmt.Errorf("the contact has no %s to send to: %w", idKind, ErrInvalid)
	}
	return to, err
}

// lastMail returns the Message-ID of the conversation's latest mail with
// one, and the References a reply to it carries.
func lastMail(ctx context.Context, tx pgx.Tx, conv int64) (string, []string, error) {
	var id string
	var refs []string
	err := tx.QueryRow(ctx, `SELECT message_id, refs FROM messages
		WHERE conversation_id = $1 AND message_id IS NOT NULL ORDER BY sent_at DESC, id DESC LIMIT 1`, conv).
		Scan(&id, &refs)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", []string{}, nil
	}
	if err != nil {
		return "", nil, err
	}
	return id, append(refs, id), nil
}
