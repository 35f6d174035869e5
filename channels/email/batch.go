package email

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/peykhq/peyk/channels"
	"github.com/peykhq/peyk/db"
)

// fetched is one mail as the server returned it.
type fetched struct {
	uid imap.UID
	at  time.Time // INTERNALDATE: when the mail arrived in the mailbox
	raw []byte
	in  channels.Inbound
}

// batch fetches the mails uids (BODY.PEEK[], so \Seen is left alone),
// parses them and hands them to the sink with the cursor of the last one.
// headerOnly fetches only the headers, for mail too large to import.
func (s *session) batch(ctx context.Context, uids []imap.UID, headerOnly bool) error {
	section := &imap.FetchItemBodySection{Peek: true}
	if headerOnly {
		section.Specifier = imap.PartSpecifierHeader
	}
	cmd := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section},
	})
	var mails []fetched
	seen := make(map[imap.UID]bool, len(uids))
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		// Collect reads the body literal fully before the next message.
		buf, err := msg.Collect()
		if err != nil {
			cmd.Close()
			return fmt.Errorf("imap fetch: %w", err)
		}
		// A FETCH without the body is a flag change the server reported
		// unasked, not one of ours.
		if buf.UID > s.cur.last && len(buf.BodySection) > 0 && !seen[buf.UID] {
			seen[buf.UID] = true
			mails = append(mails, fetched{uid: buf.UID, at: buf.InternalDate, raw: buf.FindBodySection(section)})
		}
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("imap fetch: %w", err)
	}
	if len(mails) == 0 {
		return nil // expunged since the search
	}
	slices.SortFunc(mails, func(a, b fetched) int { return cmp.Compare(a.uid, b.uid) })
	last := mails[len(mails)-1].uid
	var updates []channels.Update
	kept := mails[:0]
	for _, m := range mails {
		in, ups, err := Parse(m.raw, s.r.cfg.From)
		if headerOnly {
			in.Text, in.HTML, in.Attachments, ups, err = tooLarge, "", nil, nil,
				fmt.Errorf("email: mail over %d MiB: only its header was imported", s.r.maxMailBytes>>20)
		}
		if err != nil {
			s.r.log.Warn("email: mail partly unreadable; stored with the original attached",
				"uid", m.uid, "external_id", in.ExternalID, "err", err)
		}
		if len(m.raw) == 0 {
			in.ExternalID = fmt.Sprintf("imap:%d:%d", s.cur.validity, m.uid)
		}
		in.ChannelID = s.r.channelID
		for j := range ups {
			ups[j].ChannelID = s.r.channelID
		}
		at := m.at
		if at.IsZero() {
			at = in.SentAt
		}
		if s.cur.history(at) {
			if s.r.cfg.History == HistorySkip {
				s.r.log.Debug("email: history skipped", "uid", m.uid, "rfc_message_id", in.Thread.MessageID)
				continue
			}
			in.History = true
		}
		m.in = in
		kept = append(kept, m)
		updates = append(updates, ups...)
	}
	if len(kept) == 0 {
		// All history, skipped: the next batch's cursor covers them.
		s.cur.last = last
		return nil
	}
	if err := s.update(ctx, updates); err != nil {
		return err
	}
	if err := s.ingest(ctx, kept, last); err != nil {
		return err
	}
	s.r.log.Debug("email: batch committed", "mails", len(kept), "cursor", s.cur.String())
	return nil
}

// update applies bounce updates.
func (s *session) update(ctx context.Context, updates []channels.Update) error {
	if len(updates) == 0 {
		return nil
	}
	n, err := s.sink.Update(ctx, updates)
	if err != nil {
		return fmt.Errorf("email: apply %d delivery updates: %w", len(updates), err)
	}
	s.r.log.Info("email: delivery updates applied", "updates", len(updates), "applied", n)
	return nil
}

// ingest commits the mails with the cursor at last (the batch's last UID,
// which may be a skipped mail's). When the inbox refuses the batch for
// anything but the database being away (channels.ErrInvalid, or an error
// of the statement itself: a size limit, a check constraint), the mails
// are committed one by one, and one it still refuses is replaced by its
// unreadable-mail form (the raw mail attached; without it if that is
// refused too), so that no mail blocks the ones after it. Only when the
// session is ending or the database is away (db.IsTransient: restarting, a
// connection reset) is the error returned, with the cursor where the last
// committed mail left it: the session is retried from there, and no mail
// is ever stored as unreadable because the database was away.
func (s *session) ingest(ctx context.Context, mails []fetched, last imap.UID) error {
	batch := make([]channels.Inbound, len(mails))
	for i, m := range mails {
		batch[i] = m.in
	}
	next := *s.cur
	next.last = last
	batch[len(batch)-1].Cursor = next.String()
	err := s.sink.Ingest(ctx, batch)
	if err == nil {
		*s.cur = next
		return nil
	}
	if hold(ctx, err) {
		return fmt.Errorf("email: ingest %d mails (cursor held at %s): %w", len(mails), s.cur, err)
	}
	s.r.log.Warn("email: batch refused; committing its mails one by one", "mails", len(mails), "err", err)
	for i, m := range mails {
		one := m.in
		at := *s.cur
		if at.last = m.uid; i == len(mails)-1 {
			at.last = last
		}
		one.Cursor = at.String()
		if err := s.sink.Ingest(ctx, []channels.Inbound{one}); err != nil {
			if hold(ctx, err) {
				return fmt.Errorf("email: ingest uid %d (cursor held at %s): %w", m.uid, s.cur, err)
			}
			s.r.log.Warn("email: mail refused; storing it as unreadable", "uid", m.uid,
				"rfc_message_id", m.in.Thread.MessageID, "err", err)
			fb := unreadableInbound(m.raw, err)
			fb.ChannelID, fb.Cursor = one.ChannelID, one.Cursor
			if err := s.sink.Ingest(ctx, []channels.Inbound{fb}); err != nil {
				if hold(ctx, err) {
					return fmt.Errorf("email: ingest uid %d (cursor held at %s): %w", m.uid, s.cur, err)
				}
				// Even the raw mail is refused (over a size limit): keep
				// the note, without the attachment.
				s.r.log.Warn("email: unreadable form refused; storing the note alone", "uid", m.uid, "err", err)
				fb.Attachments = nil
				if err := s.sink.Ingest(ctx, []channels.Inbound{fb}); err != nil {
					return fmt.Errorf("email: ingest uid %d: %w", m.uid, err)
				}
			}
		}
		s.cur.last = at.last
	}
	return nil
}

// hold reports whether an ingest error leaves the cursor where it is for
// the session to try again: the session is ending, or the database is away
// (db.IsTransient). Any other error is the mail's own and would fail again.
func hold(ctx context.Context, err error) bool {
	return ctx.Err() != nil || db.IsTransient(err)
}
