package schedule_test

import (
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox/schedule"
)

// TestJalali checks the Jalali arithmetic against known Nowruz dates and
// the official 1405 calendar.
func TestJalali(t *testing.T) {
	for _, tc := range []struct {
		jy, jm, jd int
		want       string
	}{
		{1403, 1, 1, "2024-03-20"},
		{1403, 12, 30, "2025-03-20"}, // a leap year's last day
		{1404, 1, 1, "2025-03-21"},
		{1405, 1, 1, "2026-03-21"},
		{1405, 3, 6, "2026-05-27"}, // Eid al-Adha 1405
		{1405, 4, 4, "2026-06-25"}, // Ashura 1405
		{1405, 11, 22, "2027-02-11"},
		{1406, 1, 1, "2027-03-21"},
		{1407, 1, 1, "2028-03-20"},
	} {
		if got := schedule.JalaliDate(tc.jy, tc.jm, tc.jd); got != tc.want {
			t.Errorf("%d/%d/%d = %s, want %s", tc.jy, tc.jm, tc.jd, got, tc.want)
		}
	}
	teh, _ := time.LoadLocation("Asia/Tehran")
	for _, tc := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 3, 20, 23, 0, 0, 0, teh), 1404},
		{time.Date(2026, 3, 21, 0, 30, 0, 0, teh), 1405},
		{time.Date(2026, 12, 6, 9, 0, 0, 0, teh), 1405},
	} {
		if got := schedule.JalaliYear(tc.at); got != tc.want {
			t.Errorf("JalaliYear(%v) = %d, want %d", tc.at, got, tc.want)
		}
	}
}

// TestOfficialHolidays: the solar holidays for any year, the lunar ones
// of the table, one entry a day with both names, and a calendar that
// asks for them is closed on them.
func TestOfficialHolidays(t *testing.T) {
	hs := schedule.OfficialHolidays(1405)
	byDate := map[string]schedule.Holiday{}
	for _, h := range hs {
		if _, dup := byDate[h.Date]; dup {
			t.Fatalf("%s listed twice", h.Date)
		}
		byDate[h.Date] = h
	}
	for date, en := range map[string]string{"2026-03-21": "Nowruz; Eid al-Fitr", "2026-06-24": "Tasua", "2026-06-25": "Ashura",
		"2026-06-04": "Death of Imam Khomeini; Eid al-Ghadir", "2027-03-20": "Nationalisation of the oil industry"} {
		if byDate[date].En != en {
			t.Errorf("%s: %q, want %q", date, byDate[date].En, en)
		}
	}
	if schedule.LunarHolidaysComplete(1405) || schedule.LunarHolidaysComplete(1406) {
		t.Error("the table holds part of 1405 only")
	}
	if n := len(schedule.OfficialHolidays(1406)); n != 10 {
		t.Errorf("1406 has %d solar holidays, want 10", n)
	}
	teh, _ := time.LoadLocation("Asia/Tehran")
	cal := schedule.IranianWeek()
	cal.OfficialHolidays = true
	// Tuesday 23 June 2026, 15:00: one open hour left, then Tasua and
	// Ashura (Wed, Thu) are closed, Friday too: the deadline is Saturday.
	start := time.Date(2026, 6, 23, 15, 0, 0, 0, teh)
	due, err := cal.Deadline(start, 2*time.Hour)
	if want := time.Date(2026, 6, 27, 9, 0, 0, 0, teh); err != nil || !due.Equal(want) {
		t.Fatalf("deadline %v, %v; want %v", due, err, want)
	}
}

// TestParseForms reads hours and holidays as the form and CLI give them.
func TestParseForms(t *testing.T) {
	if got := schedule.ParseSpans("۰۸:۰۰-۱۲:۰۰, 13:00–16:00"); len(got) != 2 || got[0] != [2]string{"08:00", "12:00"} ||
		got[1] != [2]string{"13:00", "16:00"} {
		t.Fatalf("spans %v", got)
	}
	if s := schedule.FormatSpans([][2]string{{"08:00", "12:00"}, {"13:00", "16:00"}}); s != "08:00-12:00, 13:00-16:00" {
		t.Fatalf("format %q", s)
	}
	got := schedule.ParseHolidays("1405-10-04\n2026-12-26, ۱۴۰۵/۰۱/۰۵\nnonsense")
	want := []string{"2026-12-25", "2026-12-26", "2026-03-25", "nonsense"}
	if len(got) != len(want) {
		t.Fatalf("holidays %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("holidays %v, want %v", got, want)
		}
	}
}
