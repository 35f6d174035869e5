package email

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/peykhq/peyk/channels"
)

// session is one IMAP connection of a Receiver.
type session struct {
	r    *Receiver
	c    *imapclient.Client
	sink channels.Store
	cur  *cursor
	// wake is signalled when the server reports a new message count.
	wake chan struct{}
}

var errClosed = errors.New("imap: connection closed by the server")

// session connects, selects the mailbox and syncs until an error or ctx
// ends it. synced reports whether it caught up with the mailbox at least
// once (the backoff then starts over).
func (r *Receiver) session(ctx context.Context, cur *cursor, sink channels.Store) (synced bool, err error) {
	s := &session{r: r, sink: sink, cur: cur, wake: make(chan struct{}, 1)}
	opts := &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				select {
				case s.wake <- struct{}{}:
				default:
				}
			}
		},
	}}
	s.c, err = dialIMAP(ctx, r.cfg.IMAP, r.tlsConfig, opts)
	if err != nil {
		return false, fmt.Errorf("imap connect: %w", err)
	}
	defer s.c.Close()
	defer context.AfterFunc(ctx, func() { s.c.Close() })()

	if err := s.c.Login(r.cfg.IMAP.User, r.sec.IMAPPassword).Wait(); err != nil {
		return false, fmt.Errorf("imap login: %w", err)
	}
	sel, err := s.c.Select(r.cfg.IMAP.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return false, fmt.Errorf("imap select %q: %w", r.cfg.IMAP.Mailbox, err)
	}
	if cur.isStart() {
		// The first sync: mail from before the cutoff is history.
		cur.since = time.Now().Add(-time.Duration(r.cfg.SyncSince)).Unix()
		r.log.Info("email: first sync of the mailbox", "history_before", time.Unix(cur.since, 0).UTC(),
			"history", r.cfg.History)
	}
	if sel.UIDValidity != cur.validity {
		if cur.validity != 0 {
			r.log.Info("email: UIDVALIDITY changed; reading the mailbox again (known mail is skipped by Message-ID)",
				"old", cur.validity, "new", sel.UIDValidity)
		}
		*cur = cursor{validity: sel.UIDValidity, since: cur.since}
	}
	for {
		if err := s.sync(ctx); err != nil {
			return synced, err
		}
		synced = true
		if err := s.wait(ctx); err != nil {
			return synced, err
		}
	}
}

// sync hands every mail after the cursor to the sink, in batches.
func (s *session) sync(ctx context.Context) error {
	select { // a count reported from here on means another sync
	case <-s.wake:
	default:
	}
	crit := &imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: s.cur.last + 1}}}}
	if s.r.cfg.History == HistorySkip && s.cur.since != 0 {
		// Skipped history is not even fetched. SINCE has a day's
		// granularity: the batch weighs the hours of the cutoff's day.
		crit.Since = time.Unix(s.cur.since, 0).UTC().AddDate(0, 0, -1)
	}
	data, err := s.c.UIDSearch(crit, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap search: %w", err)
	}
	var uids []imap.UID
	for _, u := range data.AllUIDs() {
		// "n:*" always matches the highest UID, even below n.
		if u > s.cur.last {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	for len(uids) > 0 {
		n := min(len(uids), s.r.cfg.BatchSize)
		chunk := uids[:n]
		uids = uids[n:]
		sizes, err := s.sizes(chunk)
		if err != nil {
			return err
		}
		for _, g := range s.r.group(chunk, sizes) {
			if err := s.batch(ctx, g.uids, g.headerOnly); err != nil {
				return err
			}
		}
	}
	return nil
}

// sizes asks for the RFC822.SIZE of uids.
func (s *session) sizes(uids []imap.UID) (map[imap.UID]int64, error) {
	msgs, err := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap fetch sizes: %w", err)
	}
	sizes := make(map[imap.UID]int64, len(msgs))
	for _, m := range msgs {
		sizes[m.UID] = m.RFC822Size
	}
	return sizes, nil
}

// fetchGroup is a run of mails fetched together.
type fetchGroup struct {
	uids       []imap.UID
	headerOnly bool
}

// group splits a batch so that no fetch holds more than maxBatchBytes in
// memory; a mail over maxMailBytes is fetched alone, header only.
func (r *Receiver) group(uids []imap.UID, sizes map[imap.UID]int64) []fetchGroup {
	var out []fetchGroup
	var cur []imap.UID
	var total int64
	flush := func() {
		if len(cur) > 0 {
			out = append(out, fetchGroup{uids: cur})
			cur, total = nil, 0
		}
	}
	for _, u := range uids {
		size := sizes[u]
		if size > r.maxMailBytes {
			flush()
			out = append(out, fetchGroup{uids: []imap.UID{u}, headerOnly: true})
			continue
		}
		if total+size > r.maxBatchBytes {
			flush()
		}
		cur = append(cur, u)
		total += size
	}
	flush()
	return out
}

// wait returns when there may be new mail: the server reported some
// during IDLE, the IDLE refresh interval passed, or (without IDLE) the
// poll interval passed.
func (s *session) wait(ctx context.Context) error {
	if !s.c.Caps().Has(imap.CapIdle) {
		t := time.NewTimer(time.Duration(s.r.cfg.PollInterval))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.c.Closed():
			return errClosed
		case <-s.wake:
		case <-t.C:
		}
		return nil
	}
	// A mail that arrived since the last command is reported only in the
	// response to the next one, and some servers (go-imap's own) do not
	// report it when IDLE starts: ask with a NOOP first.
	if err := s.c.Noop().Wait(); err != nil {
		return fmt.Errorf("imap noop: %w", err)
	}
	select {
	case <-s.wake:
		return nil
	default:
	}
	idle, err := s.c.Idle()
	if err != nil {
		return fmt.Errorf("imap idle: %w", err)
	}
	t := time.NewTimer(s.r.idleRefresh)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.c.Closed():
		return errClosed
	case <-s.wake:
	case <-t.C:
	}
	if err := idle.Close(); err != nil {
		return fmt.Errorf("imap idle: %w", err)
	}
	if err := idle.Wait(); err != nil {
		return fmt.Errorf("imap idle: %w", err)
	}
	return nil
}
