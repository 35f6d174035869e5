package email

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// cursor is the position of a Receiver in its mailbox: the mailbox's
// UIDVALIDITY and the highest UID handed to the inbox.
type cursor struct {
	validity uint32
	last     imap.UID
}

// parseCursor reads "UIDVALIDITY:LASTUID". The empty cursor is the start
// of the mailbox.
func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	v, u, ok := strings.Cut(s, ":")
	validity, err1 := strconv.ParseUint(v, 10, 32)
	last, err2 := strconv.ParseUint(u, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return cursor{}, fmt.Errorf("email: cursor %q is not UIDVALIDITY:UID", s)
	}
	return cursor{validity: uint32(validity), last: imap.UID(last)}, nil
}

func (c cursor) String() string {
	return fmt.Sprintf("%d:%d", c.validity, c.last)
}
