package email

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// cursor is the position of a Receiver in its mailbox: the mailbox's
// UIDVALIDITY and the highest UID handed to the inbox, and the cutoff the
// first sync set (Config.SyncSince before it): mail that arrived before it
// is history. The cutoff travels with the cursor so that a first sync cut
// short goes on with the same one.
type cursor struct {
	validity uint32
	last     imap.UID
	since    int64 // Unix seconds; 0: none (a cursor from before cutoffs)
}

// parseCursor reads "UIDVALIDITY:LASTUID" or "UIDVALIDITY:LASTUID:SINCE".
// The empty cursor is the start of the mailbox.
func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	parts := strings.Split(s, ":")
	bad := fmt.Errorf("email: cursor %q is not UIDVALIDITY:UID[:SINCE]", s)
	if len(parts) < 2 || len(parts) > 3 {
		return cursor{}, bad
	}
	validity, err1 := strconv.ParseUint(parts[0], 10, 32)
	last, err2 := strconv.ParseUint(parts[1], 10, 32)
	var since int64
	var err3 error
	if len(parts) == 3 {
		since, err3 = strconv.ParseInt(parts[2], 10, 64)
	}
	if err1 != nil || err2 != nil || err3 != nil {
		return cursor{}, bad
	}
	return cursor{validity: uint32(validity), last: imap.UID(last), since: since}, nil
}

func (c cursor) String() string {
	if c.since != 0 {
		return fmt.Sprintf("%d:%d:%d", c.validity, c.last, c.since)
	}
	return fmt.Sprintf("%d:%d", c.validity, c.last)
}

// isStart reports whether c is the empty cursor: nothing synced yet.
func (c cursor) isStart() bool { return c == cursor{} }

// history reports whether mail that arrived at t is history.
func (c cursor) history(t time.Time) bool {
	return c.since != 0 && !t.IsZero() && t.Unix() < c.since
}
