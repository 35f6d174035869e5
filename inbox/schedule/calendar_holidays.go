package schedule

import (
	"sort"
	"sync"
	"time"
)

// Holiday is an official day off in Iran: its date (Gregorian,
// "2006-01-02"), its Jalali year and its name in Persian and English.
// Estimated is true when the day is off only by the estimate of a lunar
// holiday (hijriMonthStart) that the table does not hold: the official
// calendar may put it a day or so away. A verified holiday's day is never
// estimated; a lunar holiday estimated onto it is named with the mark
// «تخمینی» / "estimated".
type Holiday struct {
	Date      string `json:"date"`
	Year      int    `json:"jalali_year"`
	Fa        string `json:"fa"`
	En        string `json:"en"`
	Estimated bool   `json:"estimated,omitempty"`
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
// Meanwhile OfficialHolidays estimates them (lunarEstimates).
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

// hijriDay is a lunar holiday by its Hijri month and day; day 0 is the
// last day of the month (29 or 30).
type hijriDay struct {
	month, day int
	fa, en     string
}

// hijriHolidays are the official lunar holidays, by their Hijri dates.
// The names of those the table holds are the table's.
var hijriHolidays = []hijriDay{
	{1, 9, "تاسوعای حسینی", "Tasua"},
	{1, 10, "عاشورای حسینی", "Ashura"},
	{2, 20, "اربعین حسینی", "Arbaeen"},
	{2, 28, "رحلت رسول اکرم و شهادت امام حسن مجتبی", "Demise of the Prophet and martyrdom of Imam Hasan"},
	{2, 0, "شهادت امام رضا", "Martyrdom of Imam Reza"},
	{3, 8, "شهادت امام حسن عسکری", "Martyrdom of Imam Hasan Askari"},
	{3, 17, "میلاد رسول اکرم و امام جعفر صادق", "Birth of the Prophet (Mawlid) and of Imam Sadegh"},
	{6, 3, "شهادت حضرت فاطمه زهرا", "Martyrdom of Fatemeh Zahra"},
	{7, 13, "ولادت امام علی", "Birth of Imam Ali"},
	{7, 27, "مبعث رسول اکرم", "Mab'ath"},
	{8, 15, "ولادت حضرت قائم", "Birth of Imam Mahdi (15 Sha'ban)"},
	{9, 21, "شهادت امام علی", "Martyrdom of Imam Ali"},
	{10, 1, "عید سعید فطر", "Eid al-Fitr"},
	{10, 2, "تعطیل به مناسبت عید فطر", "Eid al-Fitr holiday"},
	{10, 25, "شهادت امام جعفر صادق", "Martyrdom of Imam Sadegh"},
	{12, 10, "عید سعید قربان", "Eid al-Adha"},
	{12, 18, "عید غدیر خم", "Eid al-Ghadir"},
}

// lunarHoliday is a lunar holiday on a Gregorian date.
type lunarHoliday struct {
	date   time.Time
	fa, en string
}

// lunarEstimates returns the lunar holidays of Jalali year jy as the
// estimator (hijriMonthStart) dates them, verified or not.
func lunarEstimates(jy int) []lunarHoliday {
	from, to := nowruz(jy), nowruz(jy+1)
	// The Hijri month of Nowruz, near enough: k = 0 is 6 January 2000.
	k := int(from.Sub(time.Date(2000, 1, 6, 18, 0, 0, 0, time.UTC)).Hours() / 24 / 29.530588861)
	var out []lunarHoliday
	for h := k + hijriEpochLunation - 1; h <= k+hijriEpochLunation+13; h++ {
		start, next := hijriMonthStart(h), hijriMonthStart(h+1)
		for _, d := range hijriHolidays {
			if d.month != h%12+1 {
				continue
			}
			date := start.AddDate(0, 0, d.day-1)
			if d.day == 0 {
				date = next.AddDate(0, 0, -1)
			}
			if !date.Before(from) && date.Before(to) {
				out = append(out, lunarHoliday{date, d.fa, d.en})
			}
		}
	}
	return out
}

// verifiedLunar is every lunar holiday of the table, for matching the
// estimates: an estimate within verifiedSlack of a verified holiday of the
// same name is that holiday, and gives way to it.
var verifiedLunar = sync.OnceValue(func() []lunarHoliday {
	var out []lunarHoliday
	for jy, ds := range lunarHolidays {
		for _, d := range ds {
			date, _ := time.Parse(time.DateOnly, JalaliDate(jy, d.month, d.day))
			out = append(out, lunarHoliday{date, d.fa, d.en})
		}
	}
	return out
})

// verifiedSlack is how far (either way) an estimate may be from the
// verified holiday it stands for.
const verifiedSlack = 3 * 24 * time.Hour

// verified reports whether the table holds the holiday that e estimates.
func (e lunarHoliday) verified() bool {
	for _, v := range verifiedLunar() {
		if v.en == e.en && v.date.Sub(e.date).Abs() <= verifiedSlack {
			return true
		}
	}
	return false
}

// OfficialHolidays returns the official Iranian holidays of Jalali year
// jy, by date: the solar ones, the lunar ones the table (lunarHolidays)
// holds, and the lunar ones it does not hold as estimated
// (hijriMonthStart), flagged Estimated. A day that is two holidays is
// listed once, with both names.
func OfficialHolidays(jy int) []Holiday {
	byDate := map[string]*Holiday{}
	var out []*Holiday
	add := func(date, fa, en string, estimated bool) {
		if h := byDate[date]; h != nil {
			switch {
			case estimated && !h.Estimated:
				h.Fa, h.En = h.Fa+"؛ "+fa+" (تخمینی)", h.En+"; "+en+" (estimated)"
			case h.En != en:
				h.Fa, h.En = h.Fa+"؛ "+fa, h.En+"; "+en
			}
			return
		}
		h := &Holiday{Date: date, Year: jy, Fa: fa, En: en, Estimated: estimated}
		byDate[date] = h
		out = append(out, h)
	}
	for _, d := range append(append([]jalaliDay{}, solarHolidays...), lunarHolidays[jy]...) {
		add(JalaliDate(jy, d.month, d.day), d.fa, d.en, false)
	}
	for _, e := range lunarEstimates(jy) {
		if !e.verified() {
			add(e.date.Format(time.DateOnly), e.fa, e.en, true)
		}
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
// year jy are in the table, verified; when not, OfficialHolidays
// estimates the missing ones, and the admins may correct them with their
// policies' own holidays.
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
