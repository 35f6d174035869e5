package web

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/peykhq/peyk/crm"
)

func TestChartSVG(t *testing.T) {
	t.Parallel()
	evil := `<script>alert("x")</script> & 'co'`
	many := make([]point, 40)
	for i := range many {
		many[i] = point{Label: "d" + number(float64(i)), Value: float64(i % 7)}
	}
	for _, c := range []struct {
		name   string
		chart  chart
		points []point
		want   []string
	}{
		{"bars", chart{Title: "Requests"}, []point{{"1404/12/29", 3}, {"1405/01/01", 1.5}},
			[]string{"<rect", "1404/12/29: 3", "1405/01/01: 1.5", `aria-label="Requests"`}},
		{"line", chart{Title: "Backlog", Line: true}, []point{{"a", 0}, {"b", 4}}, []string{"<polyline", "<circle"}},
		{"empty", chart{Title: "Nothing"}, nil, []string{"<svg", "</svg>"}},
		{"zeros", chart{Title: "Zeros"}, []point{{"a", 0}, {"b", 0}}, []string{`height="0.0"`}},
		{"escapes", chart{Title: evil}, []point{{evil, 1}},
			[]string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;co&#39;"}},
		{"persian digits", chart{Title: "fa", Digits: crm.PersianDigits}, []point{{"شنبه", 12}}, []string{"شنبه: ۱۲", ">۲۰<"}},
		{"many labels", chart{Title: "Year", Width: 300, Height: 100}, many, []string{">d0<", ">d36<", `viewBox="0 0 300 100"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			svg := string(c.chart.SVG(c.points))
			wellFormed(t, svg)
			for _, w := range c.want {
				if !strings.Contains(svg, w) {
					t.Errorf("%s lacks %q", svg, w)
				}
			}
			if strings.Contains(svg, "<script") {
				t.Errorf("unescaped markup in %s", svg)
			}
		})
	}
	t.Run("label thinning", func(t *testing.T) {
		if n := strings.Count(string(chart{}.SVG(many)), `class="label"`); n > chartMaxLabels {
			t.Errorf("%d labels under 40 bars, want at most %d", n, chartMaxLabels)
		}
	})
}

// wellFormed fails the test unless svg parses as XML with one root.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || roots != 1 {
		t.Errorf("depth %d, roots %d", depth, roots)
	}
}

func TestNiceCeil(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]float64{0: 1, 1: 1, 3: 5, 7: 10, 10: 10, 11: 20, 180: 200, 4001: 5000} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
}

func FuzzChartSVG(f *testing.F) {
	f.Add("1404/12/29", 3.0)
	f.Add(`<a href="x">&amp;</a>`, -1.0)
	f.Add("\x00\xff", 1e300)
	f.Fuzz(func(t *testing.T, label string, v float64) {
		if strings.ContainsFunc(label, func(r rune) bool { return r < 0x20 || r == 0xFFFD || r > 0x10FFFF }) {
			return // XML 1.0 cannot carry these characters at all
		}
		wellFormed(t, string(chart{Title: label}.SVG([]point{{label, v}, {"b", 1}})))
	})
}
