package schedule_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox/schedule"
)

func TestCalendarDeadline(t *testing.T) {
	teh, _ := time.LoadLocation("Asia/Tehran")
	at := func(day, clock string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, teh)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	iran := schedule.IranianWeek()
	nowruz := iran
	nowruz.Holidays = []string{"2026-03-21", "2026-03-22"}
	// 2026-03-18 is a Wednesday, 2026-03-19 a Thursday, 2026-03-20 a Friday.
	cases := []struct {
		name  string
		cal   schedule.Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within the day", iran, at("2026-03-18", "09:00"), 30 * time.Minute, at("2026-03-18", "09:30")},
		{"before opening", iran, at("2026-03-18", "06:00"), 30 * time.Minute, at("2026-03-18", "08:30")},
		{"over the evening", iran, at("2026-03-18", "15:45"), 30 * time.Minute, at("2026-03-19", "08:15")},
		{"half Thursday", iran, at("2026-03-19", "11:30"), time.Hour, at("2026-03-21", "08:30")},
		{"Friday is closed", iran, at("2026-03-20", "10:00"), 10 * time.Minute, at("2026-03-21", "08:10")},
		{"Nowruz holidays", nowruz, at("2026-03-20", "10:00"), 10 * time.Minute, at("2026-03-23", "08:10")},
		{"exactly at closing", iran, at("2026-03-18", "15:00"), time.Hour, at("2026-03-18", "16:00")},
		{"a whole week", iran, at("2026-03-21", "08:00"), 44 * time.Hour, at("2026-03-26", "12:00")},
		{"UTC start", iran, at("2026-03-18", "09:00").UTC(), time.Minute, at("2026-03-18", "09:01")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.cal.Deadline(tc.start, tc.d)
			if err != nil || !got.Equal(tc.want) {
				t.Fatalf("Deadline = %v, %v; want %v", got.In(teh), err, tc.want)
			}
			open, err := tc.cal.Open(tc.start, got)
			if err != nil || open != tc.d {
				t.Fatalf("Open(start, deadline) = %v, %v; want %v", open, err, tc.d)
			}
		})
	}
	bad := []schedule.Calendar{
		{Zone: "Mars/Olympus", Week: iran.Week},
		{Week: map[string][][2]string{"someday": {{"08:00", "16:00"}}}},
		{Week: map[string][][2]string{"sat": {{"16:00", "08:00"}}}},
		{Week: map[string][][2]string{"sat": {{"8am", "4pm"}}}},
		{Week: iran.Week, Holidays: []string{"1405/01/01"}},
		{},
	}
	for i, c := range bad {
		if _, err := c.Deadline(time.Now(), time.Minute); !errors.Is(err, schedule.ErrInvalid) {
			t.Errorf("bad calendar %d: err = %v", i, err)
		}
	}
}

func TestJalaliOf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2026-03-21", "1405-01-01"}, {"2026-09-22", "1405-06-31"}, {"2026-09-23", "1405-07-01"},
		{"2027-03-20", "1405-12-29"}, {"2025-03-20", "1403-12-30"}, {"2026-12-06", "1405-09-15"},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, ok := schedule.JalaliOf(c.in)
			if !ok || got != c.want {
				t.Fatalf("JalaliOf(%s) = %s %v, want %s", c.in, got, ok, c.want)
			}
			jy, jm, jd := 0, 0, 0
			fmt.Sscanf(got, "%d-%d-%d", &jy, &jm, &jd)
			if back := schedule.JalaliDate(jy, jm, jd); back != c.in {
				t.Fatalf("round trip %s → %s → %s", c.in, got, back)
			}
		})
	}
	if _, ok := schedule.JalaliOf("yesterday"); ok {
		t.Fatal("not a date was converted")
	}
}
