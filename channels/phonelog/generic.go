package phonelog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/peykhq/peyk/channels"
)

// The columns of the generic CSV. Its first row names them, in any order
// and case; start, from, to and disposition are required, unknown columns
// are ignored.
var genericColumns = []string{"id", "start", "direction", "from", "to", "disposition",
	"duration", "billsec", "recording_url", "name"}

// header is the generic CSV's first row: the column names' positions and
// the number of columns.
type header struct {
	index map[string]int
	n     int
}

func parseHeader(f []string) (header, error) {
	h := header{index: map[string]int{}, n: len(f)}
	for i, name := range f {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\uFEFF")))
		if _, dup := h.index[name]; dup && name != "" {
			return header{}, fmt.Errorf("column %q appears twice", name)
		}
		h.index[name] = i
	}
	for _, need := range []string{"start", "from", "to", "disposition"} {
		if _, ok := h.index[need]; !ok {
			return header{}, fmt.Errorf("header has no %q column (need start, from, to, disposition; may have %s)",
				need, strings.Join(genericColumns, ", "))
		}
	}
	return h, nil
}

// get returns the named column of f, trimmed, or "".
func (h header) get(f []string, name string) string {
	if i, ok := h.index[name]; ok && i < len(f) {
		return strings.TrimSpace(f[i])
	}
	return ""
}

// genericRecord reads one data row of the generic CSV.
func (s *setup) genericRecord(h header, f []string) (record, error) {
	if len(f) != h.n {
		return record{}, fmt.Errorf("%d columns, the header has %d", len(f), h.n)
	}
	var r record
	var err error
	if r.start, err = s.flexTime("start", h.get(f, "start")); err != nil {
		return r, err
	}
	if r.direction, err = parseDirection(h.get(f, "direction")); err != nil {
		return r, err
	}
	if r.disposition, err = parseDisposition(h.get(f, "disposition")); err != nil {
		return r, err
	}
	if r.duration, err = seconds("duration", h.get(f, "duration")); err != nil {
		return r, err
	}
	if r.billable, err = seconds("billsec", h.get(f, "billsec")); err != nil {
		return r, err
	}
	r.from, r.to, r.name = h.get(f, "from"), h.get(f, "to"), h.get(f, "name")
	r.recording = h.get(f, "recording_url")
	r.data.UniqueID = h.get(f, "id")
	if r.data.UniqueID != "" {
		r.externalID = "csv:" + clipID(r.data.UniqueID)
	} else {
		sum := sha256.Sum256([]byte(strings.Join(f, "\x1f")))
		r.externalID = "csv:" + hex.EncodeToString(sum[:16])
	}
	return r, nil
}

// flexTime parses RFC 3339, or "2006-01-02 15:04:05" (a T instead of the
// space is fine) in the configured zone.
func (s *setup) flexTime(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, fmt.Errorf("%s is empty", name)
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(cdrTime, strings.Replace(v, "T", " ", 1), s.loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s %q is not a time like 2006-01-02T15:04:05+03:30 or 2006-01-02 15:04:05", name, clip(v))
}

// parseDirection reads in/inbound/incoming and out/outbound/outgoing;
// empty leaves the decision to Config.Ours.
func parseDirection(v string) (channels.Direction, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return "", nil
	case "in", "inbound", "incoming":
		return channels.In, nil
	case "out", "outbound", "outgoing", "outbound-api", "outbound-dial":
		return channels.Out, nil
	}
	return "", fmt.Errorf("direction %q is not in or out", clip(v))
}

// clipID keeps a provider id short enough for the inbox (1,000 bytes) by
// replacing a long or malformed one with its hash.
func clipID(id string) string {
	if len(id) <= 200 && utf8.ValidString(id) && !strings.ContainsRune(id, 0) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "sha256:" + hex.EncodeToString(sum[:16])
}
