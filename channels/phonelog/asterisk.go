package phonelog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The columns of Asterisk's cdr_csv Master.csv, in order; uniqueid and
// userfield are written only when enabled in cdr.conf.
const (
	colAccountCode = iota
	colSrc
	colDst
	colDContext
	colCLID
	colChannel
	colDstChannel
	colLastApp
	colLastData
	colStart
	colAnswer
	colEnd
	colDuration
	colBillsec
	colDisposition
	colAMAFlags
	colUniqueID
	colUserField
)

// cdrTime is the layout of Asterisk CDR times.
const cdrTime = "2006-01-02 15:04:05"

// asteriskRecord reads one Master.csv row of 16, 17 or 18 fields.
func (s *setup) asteriskRecord(f []string) (record, error) {
	if len(f) < 16 || len(f) > 18 {
		return record{}, fmt.Errorf("%d columns, want 16, 17 or 18 (accountcode … amaflags[, uniqueid[, userfield]])", len(f))
	}
	var r record
	var err error
	if r.start, err = s.cdrTime("start", f[colStart], true); err != nil {
		return r, err
	}
	if _, err = s.cdrTime("answer", f[colAnswer], false); err != nil {
		return r, err
	}
	if _, err = s.cdrTime("end", f[colEnd], false); err != nil {
		return r, err
	}
	if r.duration, err = seconds("duration", f[colDuration]); err != nil {
		return r, err
	}
	if r.billable, err = seconds("billsec", f[colBillsec]); err != nil {
		return r, err
	}
	if r.disposition, err = parseDisposition(f[colDisposition]); err != nil {
		return r, err
	}
	r.from, r.to = strings.TrimSpace(f[colSrc]), strings.TrimSpace(f[colDst])
	var number string
	r.name, number = splitCallerID(f[colCLID])
	if r.from == "" {
		r.from = number
	}
	r.data = TemplateData{AccountCode: f[colAccountCode], Channel: f[colChannel]}
	if len(f) > colUniqueID {
		r.data.UniqueID = strings.TrimSpace(f[colUniqueID])
	}
	if len(f) > colUserField {
		r.data.UserField = f[colUserField]
	}
	r.externalID = cdrExternalID(r.data.UniqueID, f)
	return r, nil
}

// cdrExternalID is "cdr:" and the uniqueid, then a hash of the row's
// fields. Asterisk 12 and later write several CDRs with one uniqueid (a
// queue ringing agents in turn), so the uniqueid alone would drop calls;
// the hash keeps them apart while importing the same row again, however
// quoted, gives the same id.
func cdrExternalID(uniqueID string, f []string) string {
	buf := make([]byte, 0, 512)
	for _, v := range f {
		buf = append(append(buf, v...), 0x1f)
	}
	sum := sha256.Sum256(buf)
	if uniqueID == "" || len(uniqueID) > 200 || !utf8.ValidString(uniqueID) || strings.ContainsRune(uniqueID, 0) {
		return "cdr:" + hex.EncodeToString(sum[:16])
	}
	return "cdr:" + uniqueID + ":" + hex.EncodeToString(sum[:6])
}

// cdrTime parses a CDR time in the configured zone; an empty optional one
// is the zero time.
func (s *setup) cdrTime(name, v string, required bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return time.Time{}, fmt.Errorf("%s is empty", name)
		}
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(cdrTime, v, s.loc)
	if err != nil {
		if t, err2 := time.Parse(time.RFC3339, v); err2 == nil {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("%s %q is not a date and time like 2006-01-02 15:04:05", name, clip(v))
	}
	return t, nil
}

var errNegative = errors.New("is negative")

// seconds parses a whole number of seconds; empty is zero.
func seconds(name, v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > 1e9 {
		return 0, fmt.Errorf("%s %q is not a number of seconds", name, clip(v))
	}
	if n < 0 {
		return 0, fmt.Errorf("%s %d %w", name, n, errNegative)
	}
	return time.Duration(n) * time.Second, nil
}
