package schedule

import (
	"sort"
	"sync"
)

// Holiday is an official day off in Iran: its date (Gregorian,
// "2006-01-02"), its Jalali year and its name in Persian and English.
type Holiday struct {
	Date string `json:"date"`
	Year int    `json:"jalali_year"`
	Fa   string `json:"fa"`
	En   string `json:"en"`
}

type jalaliDay struct {
	month, day int
	fa, en     string
}

// solarHolidays are the official holidays fixed in the Jalali calendar:
// the same day every year.
var solarHolidays = []jalaliDay{
	{1, 1, "نوروز", "Nowruz"},
	{1, 2, "نوروز", "Nowruz"},
	{1, 3, "نوروز", "Nowruz"},
	{1, 4, "نوروز", "Nowruz"},
	{1, 12, "روز جمهوری اسلامی", "Islamic Republic Day"},
	{1, 13, "روز طبیعت", "Nature Day (Sizdah Bedar)"},
	{3, 14, "رحلت امام خمینی", "Death of Imam Khomeini"},
	{3, 15, "قیام ۱۵ خرداد", "Revolt of 15 Khordad"},
	{11, 22, "پیروزی انقلاب اسلامی", "Victory of the Islamic Revolution"},
	{12, 29, "ملی شدن صنعت نفت", "Nationalisation of the oil industry"},
}

// lunarHolidays are the official holidays of the lunar (Hijri) calendar
// by Jalali year, as the official calendar (approved by the Council of
// Public Culture, published by the University of Tehran's Geophysics
// Institute) dates them. They move about eleven days a year and hang on
// the sighting of the moon, so they are data, not arithmetic.
//
// Source for 1405: the official calendar of 1405 as ILNA reported it on
// 2025-10-30 (https://www.ilna.ir/ news 1707051, "سال ۱۴۰۵ چند روز تعطیل
// رسمی دارد؟"). Only the days that report's text could be checked for are
// here: Farvardin to Tir. The rest of 1405 (Arbaeen, Rehlat, Shahadat
// Imam Reza, Mawlid, Shahadat Fatemeh, Imam Ali's birthday, Mab'ath, 15
// Sha'ban, Shahadat Imam Ali, the second Eid al-Fitr in Esfand) and all
// of 1406 (whose official calendar was not found) are missing: an admin
// adds them to a policy's own holidays until they are filled in here.
var lunarHolidays = map[int][]jalaliDay{
	1405: {
		{1, 1, "عید سعید فطر", "Eid al-Fitr"},
		{1, 2, "تعطیل به مناسبت عید فطر", "Eid al-Fitr holiday"},
		{3, 6, "عید سعید قربان", "Eid al-Adha"},
		{3, 14, "عید غدیر خم", "Eid al-Ghadir"},
		{4, 3, "تاسوعای حسینی", "Tasua"},
		{4, 4, "عاشورای حسینی", "Ashura"},
	},
}

// OfficialHolidays returns the official Iranian holidays of Jalali year
// jy, by date: the solar ones for any year, the lunar ones for the years
// lunarHolidays holds. A day that is two holidays is listed once, with
// both names.
func OfficialHolidays(jy int) []Holiday {
	byDate := map[string]*Holiday{}
	var out []*Holiday
	for _, d := range append(append([]jalaliDay{}, solarHolidays...), lunarHolidays[jy]...) {
		date := JalaliDate(jy, d.month, d.day)
		if h := byDate[date]; h != nil {
			if h.En != d.en {
				h.Fa, h.En = h.Fa+"؛ "+d.fa, h.En+"; "+d.en
			}
			continue
		}
		h := &Holiday{Date: date, Year: jy, Fa: d.fa, En: d.en}
		byDate[date] = h
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	hs := make([]Holiday, len(out))
	for i, h := range out {
		hs[i] = *h
	}
	return hs
}

// lunarComplete are the years whose lunar holidays are all in the table
// (none yet: 1405 is partial).
var lunarComplete = map[int]bool{}

// LunarHolidaysComplete reports whether all the lunar holidays of Jalali
// year jy are in the table; when not, the admins add the missing ones to
// their policies' own holidays.
func LunarHolidaysComplete(jy int) bool { return lunarComplete[jy] }

var official = sync.OnceValue(func() map[string]bool {
	days := map[string]bool{}
	for jy := 1400; jy <= 1420; jy++ {
		for _, h := range OfficialHolidays(jy) {
			days[h.Date] = true
		}
	}
	return days
})
