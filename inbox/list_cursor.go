package inbox

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cursor is a keyset position in a list ordered by (time, id) descending:
// last_message_at for the inbox list, sent_at for timelines. A cursor
// without a time (at zero) is an older timeline page's, by id alone.
type cursor struct {
	at time.Time
	id int64
}

// String encodes the cursor as an opaque URL-safe token.
func (c cursor) String() string {
	s := strconv.FormatInt(c.id, 10)
	if !c.at.IsZero() {
		s = strconv.FormatInt(c.at.UnixMicro(), 10) + "." + s
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// parseCursor decodes a token made by cursor.String; timed says whether
// it must carry a time.
func parseCursor(s string, timed bool) (cursor, error) {
	bad := fmt.Errorf("inbox: cursor %q: %w", s, ErrInvalid)
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) > 64 {
		return cursor{}, bad
	}
	var c cursor
	at, id, hasTime := strings.Cut(string(raw), ".")
	if hasTime != timed {
		return cursor{}, bad
	}
	if !hasTime {
		id = at
	} else {
		micros, err := strconv.ParseInt(at, 10, 64)
		if err != nil {
			return cursor{}, bad
		}
		c.at = time.UnixMicro(micros).UTC()
	}
	if c.id, err = strconv.ParseInt(id, 10, 64); err != nil || c.id <= 0 {
		return cursor{}, bad
	}
	return c, nil
}
