package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// point is one bar or point of a chart: a label under it and a value.
type point struct {
	Label string
	Value float64
}

// chart draws a bar or line chart as inline SVG, no script needed.
type chart struct {
	// Title names the chart for screen readers.
	Title string
	// Line draws a line through the points instead of bars.
	Line bool
	// Digits formats numbers for the page's locale (Persian digits for
	// fa); nil leaves them as they are.
	Digits func(string) string
	// Width and Height are the drawing's size in SVG units; default 640
	// by 220.
	Width, Height int
}

// chart geometry: margins around the plot, in SVG units.
const (
	chartLeft, chartRight, chartTop, chartBottom = 44, 8, 10, 40
	chartMaxLabels                               = 12
)

// SVG returns the chart of points. Labels and the title are escaped.
func (c chart) SVG(points []point) template.HTML {
	w, h := c.Width, c.Height
	if w <= 0 || h <= 0 {
		w, h = 640, 220
	}
	digits := c.Digits
	if digits == nil {
		digits = func(s string) string { return s }
	}
	plotW, plotH := float64(w-chartLeft-chartRight), float64(h-chartTop-chartBottom)
	top := 0.0
	for _, p := range points {
		top = math.Max(top, p.Value)
	}
	top = niceCeil(top)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		w, h, esc(c.Title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(c.Title))
	for i := 0; i <= 2; i++ { // grid lines at 0, half and top
		v := top * float64(i) / 2
		y := float64(chartTop) + plotH - plotH*float64(i)/2
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ccc"/>`, chartLeft, y, w-chartRight, y)
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%.1f" text-anchor="end" font-size="10">%s</text>`,
			chartLeft-4, y+3, esc(digits(number(v))))
	}
	n := len(points)
	if n == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	step := plotW / float64(n)
	every := (n + chartMaxLabels - 1) / chartMaxLabels
	var line []string
	for i, p := range points {
		x := float64(chartLeft) + step*float64(i)
		barH := 0.0
		if top > 0 {
			barH = plotH * p.Value / top
		}
		y := float64(chartTop) + plotH - barH
		tip := esc(p.Label + ": " + digits(number(p.Value)))
		if c.Line {
			line = append(line, fmt.Sprintf("%.1f,%.1f", x+step/2, y))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2" fill="#2563eb"><title>%s</title></circle>`, x+step/2, y, tip)
		} else {
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2563eb"><title>%s</title></rect>`,
				x+step*0.1, y, step*0.8, barH, tip)
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text class="label" x="%.1f" y="%d" text-anchor="middle" font-size="10">%s</text>`,
				x+step/2, h-chartBottom+14, esc(p.Label))
		}
	}
	if c.Line {
		fmt.Fprintf(&b, `<polyline fill="none" stroke="#2563eb" stroke-width="2" points="%s"/>`, strings.Join(line, " "))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it went through esc
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// number writes v without a fraction when it has none, else with one
// decimal.
func number(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// esc escapes text for SVG (XML) content and attributes.
func esc(s string) string {
	return html.EscapeString(s)
}
