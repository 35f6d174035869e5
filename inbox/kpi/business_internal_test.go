package kpi

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/peykhq/peyk/inbox/schedule"
)

// TestOpenTimes checks that the running-total measure gives open's sums
// to the nanosecond, on calendars with holidays, a span to 24:00, spans out
// of order and (measured by open) overlapping spans, in zones with and
// without daylight saving.
func TestOpenTimes(t *testing.T) {
	t.Parallel()
	iran := schedule.IranianWeek()
	iran.Holidays = []string{"2026-03-20", "2026-03-21", "2026-03-22"}
	for _, c := range []struct {
		name string
		cal  schedule.Calendar
	}{
		{"iranian week with nowruz", iran},
		{"late spans out of order", schedule.Calendar{Zone: "Europe/Berlin", Week: map[string][][2]string{
			"mon": {{"18:00", "24:00"}, {"00:00", "06:00"}}, "tue": {{"09:00", "12:30"}, {"13:00", "17:00"}},
			"sat": {{"00:00", "24:00"}}}}},
		{"overlapping spans", schedule.Calendar{Zone: "UTC", Week: map[string][][2]string{
			"sun": {{"08:00", "12:00"}, {"10:00", "14:00"}}, "wed": {{"09:00", "17:00"}}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, err := compileHours(c.cal)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(7, 11))
			base := time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC)
			// Instants come from the database in microseconds.
			var starts, ends []int64
			for range 2000 {
				a := base.Add(time.Duration(rng.Int64N(int64(200 * 24 * time.Hour)))).Truncate(time.Microsecond)
				b := a.Add(time.Duration(rng.Int64N(int64(30*24*time.Hour))) - 2*time.Hour).Truncate(time.Microsecond)
				starts, ends = append(starts, a.UnixMicro()), append(ends, b.UnixMicro())
			}
			starts = append(starts, base.UnixMicro(), base.UnixMicro())
			ends = append(ends, base.UnixMicro(), base.Add(-time.Hour).UnixMicro())
			for i, got := range h.openTimes(starts, ends) {
				a, b := time.UnixMicro(starts[i]), time.UnixMicro(ends[i])
				if want := h.open(a, b); got != want {
					t.Fatalf("%s – %s: %s, want %s", a, b, got, want)
				}
			}
		})
	}
	t.Run("nothing to measure", func(t *testing.T) {
		h, err := compileHours(iran)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.openTimes(nil, nil); len(got) != 0 {
			t.Errorf("%v", got)
		}
	})
}

// packed encodes micros (since 2000) as instantsSQL packs them.
func packed(micros ...int64) []byte {
	var b []byte
	for _, m := range micros {
		b = binary.BigEndian.AppendUint64(b, uint64(m))
	}
	return b
}

func TestInstants(t *testing.T) {
	t.Parallel()
	nowruz := time.Date(2026, 3, 20, 14, 45, 41, 123456000, time.UTC)
	sincePG := nowruz.UnixMicro() - time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for _, c := range []struct {
		name string
		in   []byte
		want []int64
		bad  bool
	}{
		{name: "NULL", in: nil, want: []int64{}},
		{name: "instants", in: packed(sincePG, 0, -1), want: []int64{nowruz.UnixMicro(), pgEpoch, pgEpoch - 1}},
		{name: "infinity", in: packed(1, math.MaxInt64), bad: true},
		{name: "minus infinity", in: packed(math.MinInt64), bad: true},
		{name: "truncated", in: packed(1, 2)[:15], bad: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := instants(c.in)
			if (err != nil) != c.bad || !slices.Equal(got, c.want) {
				t.Fatalf("instants = %v, %v", got, err)
			}
		})
	}
	if got, _ := instants(packed(sincePG)); !time.UnixMicro(got[0]).Equal(nowruz) {
		t.Errorf("%v, want %v", time.UnixMicro(got[0]).UTC(), nowruz)
	}
}

func FuzzInstants(f *testing.F) {
	f.Add(packed(1, 2))
	f.Add(packed(math.MaxInt64))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := instants(b)
		if err == nil && len(b) != 8*len(got) {
			t.Fatalf("%d instants from %d bytes", len(got), len(b))
		}
	})
}

// TestSummarize checks the p90 picked by selection against the sorted
// nearest rank, on sizes around the selection's cut-over to sorting and
// on values with many repeats.
func TestSummarize(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 5))
	for _, n := range []int{1, 2, 9, 10, 16, 17, 18, 100, 1001, 50_000} {
		for _, spread := range []int{3, 1_000_000} {
			t.Run(fmt.Sprintf("%d values of %d", n, spread), func(t *testing.T) {
				secs := make([]float64, n)
				for i := range secs {
					secs[i] = float64(rng.IntN(spread)) / 7
				}
				sorted := slices.Sorted(slices.Values(secs))
				got := summarize(secs)
				want := sorted[int(math.Ceil(0.9*float64(n)))-1]
				if got.n != n || got.p90 != want {
					t.Fatalf("n %d p90 %v, want %v", got.n, got.p90, want)
				}
				sum := 0.0
				for _, s := range sorted {
					sum += s
				}
				if math.Abs(got.avg-sum/float64(n)) > 1e-9*math.Abs(sum/float64(n)) {
					t.Fatalf("avg %v, want %v", got.avg, sum/float64(n))
				}
				for _, k := range []int{0, n / 2, n - 1} {
					if v := nth(secs, k); v != sorted[k] {
						t.Fatalf("rank %d: %v, want %v", k, v, sorted[k])
					}
				}
			})
		}
	}
	if got := summarize(nil); got != (stats{}) {
		t.Errorf("nothing: %+v", got)
	}
}
