package schedule

import (
	"math"
	"sync"
	"time"
)

// The estimator of the lunar (Hijri) calendar as Iran keeps it. The
// official month starts hang on the sighting of the crescent, decided
// each month; what is computed here is an estimate for the months whose
// official dates are not known: the astronomical new moon (Jean Meeus,
// Astronomical Algorithms, chapter 49) and a visibility rule calibrated
// on the official month starts of 1403 to 1405 (see TestHijriAnchors).

// crescentAltitude is the rule's threshold, in degrees: a month starts
// the day after the first evening, from the conjunction on, at whose
// sunset in Tehran the moon stands at least this high above the horizon.
// The official month starts of 1403–1405 (TestHijriAnchors) fit any
// threshold above 6.2° and up to 7.0°; this is the middle. A threshold on
// the moon's age alone fits at best ten of those eleven.
const crescentAltitude = 6.6

// tehranLat and tehranLon are Tehran's latitude and longitude (east), in
// degrees, for the sunset of the visibility rule.
const tehranLat, tehranLon = 35.69, 51.39

// hijriEpochLunation is the Hijri month number (months since 1 Muharram
// of year 1, (year-1)*12 + month-1) of the lunation Meeus numbers k = 0,
// the new moon of 6 January 2000 (Shawwal 1420).
const hijriEpochLunation = 17037

// newMoon returns the instant (UTC) of the new moon of Meeus' lunation k
// (k = 0 is 6 January 2000): the mean phase with the periodic and
// planetary corrections of Meeus chapter 49, accurate to a minute or so
// within a few centuries of 2000, less a ΔT of 69 seconds (TT to UT).
func newMoon(k int) time.Time {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	jde := 2451550.09766 + 29.530588861*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4
	rad := func(deg float64) float64 { return math.Mod(deg, 360) * math.Pi / 180 }
	e := 1 - 0.002516*t - 0.0000074*t2
	m := rad(2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3)
	mp := rad(201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4)
	f := rad(160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4)
	om := rad(124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3)
	sin := math.Sin
	jde += -0.40720*sin(mp) + 0.17241*e*sin(m) + 0.01608*sin(2*mp) + 0.01039*sin(2*f) +
		0.00739*e*sin(mp-m) - 0.00514*e*sin(mp+m) + 0.00208*e*e*sin(2*m) - 0.00111*sin(mp-2*f) -
		0.00057*sin(mp+2*f) + 0.00056*e*sin(2*mp+m) - 0.00042*sin(3*mp) + 0.00042*e*sin(m+2*f) +
		0.00038*e*sin(m-2*f) - 0.00024*e*sin(2*mp-m) - 0.00017*sin(om) - 0.00007*sin(mp+2*m) +
		0.00004*sin(2*mp-2*f) + 0.00004*sin(3*m) + 0.00003*sin(mp+m-2*f) + 0.00003*sin(2*mp+2*f) -
		0.00003*sin(mp+m+2*f) + 0.00003*sin(mp-m+2*f) - 0.00002*sin(mp-m-2*f) - 0.00002*sin(3*mp+m) +
		0.00002*sin(4*mp)
	for _, a := range [...][3]float64{
		{0.000325, 299.77 + 0.107408*kf - 0.009173*t2, 0}, {0.000165, 251.88 + 0.016321*kf, 0},
		{0.000164, 251.83 + 26.651886*kf, 0}, {0.000126, 349.42 + 36.412478*kf, 0},
		{0.000110, 84.66 + 18.206239*kf, 0}, {0.000062, 141.74 + 53.303771*kf, 0},
		{0.000060, 207.14 + 2.453732*kf, 0}, {0.000056, 154.84 + 7.306860*kf, 0},
		{0.000047, 34.52 + 27.261239*kf, 0}, {0.000042, 207.19 + 0.121824*kf, 0},
		{0.000040, 291.34 + 1.844379*kf, 0}, {0.000037, 161.72 + 24.198154*kf, 0},
		{0.000035, 239.56 + 25.513099*kf, 0}, {0.000023, 331.55 + 3.592518*kf, 0},
	} {
		jde += a[0] * sin(rad(a[1]))
	}
	// JD 2440587.5 is the Unix epoch.
	ms := math.Round((jde - 2440587.5) * 86400 * 1000)
	return time.UnixMilli(int64(ms)).UTC().Add(-69 * time.Second)
}

// tehranSunset returns the sunset in Tehran (UTC) on the given date (its
// year, month and day): the usual approximation of the solar declination
// and the equation of time, a minute or two off at most.
func tehranSunset(day time.Time) time.Time {
	y, mo, d := day.Date()
	noon := time.Date(y, mo, d, 12, 0, 0, 0, time.UTC)
	n := float64(noon.YearDay())
	deg := math.Pi / 180
	decl := -23.44 * deg * math.Cos(2*math.Pi/365*(n+10))
	b := 2 * math.Pi / 365 * (n - 81)
	eot := 9.87*math.Sin(2*b) - 7.53*math.Cos(b) - 1.5*math.Sin(b) // minutes
	lat := tehranLat * deg
	cosH := (math.Sin(-0.833*deg) - math.Sin(lat)*math.Sin(decl)) / (math.Cos(lat) * math.Cos(decl))
	hour := math.Acos(cosH) / deg / 15 // hours from noon to sunset
	minutes := -tehranLon/15*60 - eot + hour*60
	return noon.Add(time.Duration(minutes * float64(time.Minute)))
}

// hijriMonthStart returns the estimated first day (a UTC midnight, the
// date in Tehran) of Hijri month number h ((year-1)*12 + month-1): the
// day after the first evening, from the day of the conjunction on, at
// whose sunset in Tehran the moon is at least crescentAltitude high,
// within the bounds of 29 and 30 days a month (hijriStarts).
func hijriMonthStart(h int) time.Time {
	if i := h - hijriFirst; i >= 0 && i < len(hijriStarts()) {
		return hijriStarts()[i]
	}
	return hijriMonthStartAt(h, crescentAltitude)
}

// hijriFirst is the first month of hijriStarts: 1 Muharram 1400.
const hijriFirst = 1399 * 12

// hijriStarts are the month starts from 1 Muharram 1400 for a century, by
// the rule, but walked forward so that every month has 29 or 30 days: a
// month the rule would make 31 days long (or 28) ends a day earlier (or
// later). Outside it, hijriMonthStart is the bare rule.
var hijriStarts = sync.OnceValue(func() []time.Time {
	out := []time.Time{hijriMonthStartAt(hijriFirst, crescentAltitude)}
	for h := hijriFirst + 1; h < hijriFirst+1200; h++ {
		start, prev := hijriMonthStartAt(h, crescentAltitude), out[len(out)-1]
		if last := prev.AddDate(0, 0, 30); start.After(last) {
			start = last
		} else if first := prev.AddDate(0, 0, 29); start.Before(first) {
			start = first
		}
		out = append(out, start)
	}
	return out
})

// hijriMonthStartAt is hijriMonthStart with the altitude threshold given.
func hijriMonthStartAt(h int, minAlt float64) time.Time {
	conj := newMoon(h - hijriEpochLunation)
	y, m, d := conj.Add(210 * time.Minute).Date() // the date in Tehran
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for {
		set := tehranSunset(day)
		if set.After(conj) && moonAltitude(set) >= minAlt {
			break
		}
		day = day.AddDate(0, 0, 1)
	}
	return day.AddDate(0, 0, 1)
}

// HijriMonthStart returns the estimated Gregorian date ("2006-01-02") of
// the first day of month hm (1 Muharram … 12 Dhu al-Hijjah) of Hijri year
// hy in Iran. It is an astronomical estimate (new moon and a visibility
// rule), not the official calendar, which follows the sighting of the
// moon: it may be a day off.
func HijriMonthStart(hy, hm int) string {
	return hijriMonthStart((hy-1)*12 + hm - 1).Format(time.DateOnly)
}

// moonAltitude returns the moon's topocentric altitude above Tehran's
// horizon, in degrees, at t: the low-precision position of Meeus chapter
// 47 (its largest periodic terms; no nutation, no refraction: about a
// tenth of a degree off) and the moon's mean parallax, good enough for a
// visibility rule.
func moonAltitude(t time.Time) float64 {
	const deg = math.Pi / 180
	jd := float64(t.UnixMilli())/86400000 + 2440587.5
	T := (jd - 2451545) / 36525
	norm := func(x float64) float64 { return math.Mod(x, 360) * deg }
	lp := 218.3164477 + 481267.88123421*T
	d := norm(297.8501921 + 445267.1114034*T)
	m := norm(357.5291092 + 35999.0502909*T)
	mp := norm(134.9633964 + 477198.8675055*T)
	f := norm(93.2720950 + 483202.0175233*T)
	e := 1 - 0.002516*T
	sin := math.Sin
	lon := lp + (6288774*sin(mp)+1274027*sin(2*d-mp)+658314*sin(2*d)+213618*sin(2*mp)-185116*e*sin(m)-
		114332*sin(2*f)+58793*sin(2*d-2*mp)+57066*e*sin(2*d-m-mp)+53322*sin(2*d+mp)+45758*e*sin(2*d-m)-
		40923*e*sin(m-mp)-34720*sin(d)-30383*e*sin(m+mp)+15327*sin(2*d-2*f)-12528*sin(mp+2*f)+
		10980*sin(mp-2*f)+10675*sin(4*d-mp)+10034*sin(3*mp)+8548*sin(4*d-2*mp)-7888*e*sin(2*d+m-mp)-
		6766*e*sin(2*d+m)-5163*sin(d-mp)+4987*e*sin(d+m)+4036*e*sin(2*d-m+mp))/1e6
	lat := (5128122*sin(f) + 280602*sin(mp+f) + 277693*sin(mp-f) + 173237*sin(2*d-f) + 55413*sin(2*d-mp+f) +
		46271*sin(2*d-mp-f) + 32573*sin(2*d+f) + 17198*sin(2*mp+f) + 9266*sin(2*d+mp-f) + 8822*sin(2*mp-f) +
		8216*e*sin(2*d-m-f) + 4324*sin(2*d-2*mp-f) + 4200*sin(2*d+mp+f)) / 1e6
	eps := (23.439291 - 0.0130042*T) * deg
	gmst := 280.46061837 + 360.98564736629*(jd-2451545)
	phi := tehranLat * deg
	altitude := func(lonE, latE float64) float64 { // ecliptic to horizontal, radians
		ra := math.Atan2(sin(lonE)*math.Cos(eps)-math.Tan(latE)*sin(eps), math.Cos(lonE))
		dec := math.Asin(sin(latE)*math.Cos(eps) + math.Cos(latE)*sin(eps)*sin(lonE))
		ha := norm(gmst+tehranLon) - ra
		return math.Asin(sin(phi)*sin(dec) + math.Cos(phi)*math.Cos(dec)*math.Cos(ha))
	}
	h := altitude(norm(lon), lat*deg)
	h -= 0.9507 * deg * math.Cos(h) // the moon's parallax
	return h / deg
}
