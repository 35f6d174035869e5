package inbox

import (
	"errors"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []cursor{{id: 1}, {id: 1<<63 - 1}, {at: time.Date(2026, 3, 20, 20, 30, 0, 123456000, time.UTC), id: 42}} {
		got, err := parseCursor(c.String(), !c.at.IsZero())
		if err != nil || got != c {
			t.Errorf("%+v: parsed %+v, %v", c, got, err)
		}
	}
	for _, bad := range []string{"", "!", "MA", "LTE", "eA", "MS4y"} { // "", !, "0", "-1", "x", "1.2" untimed
		if _, err := parseCursor(bad, false); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: err = %v, want ErrInvalid", bad, err)
		}
	}
}

// FuzzParseCursor checks that any token either fails with ErrInvalid or
// parses to a cursor that encodes back to a token parsing the same.
func FuzzParseCursor(f *testing.F) {
	f.Add("MQ", false)
	f.Add(cursor{at: time.Unix(1, 0), id: 7}.String(), true)
	f.Add("!!", true)
	f.Fuzz(func(t *testing.T, s string, timed bool) {
		c, err := parseCursor(s, timed)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: %v is not ErrInvalid", s, err)
			}
			return
		}
		again, err := parseCursor(c.String(), timed)
		if err != nil || again != c || c.id <= 0 {
			t.Fatalf("%q: %+v then %+v, %v", s, c, again, err)
		}
	})
}
