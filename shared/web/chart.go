package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// chartFrame is what the dashboard's chart and the period report's draw
// alike: the SVG element with its title and description, the grid with
// its values, the two axes, the month labels and the target line. Each
// page draws only its own series inside it. Everything is in attributes
// (no inline styles), so the pages' Content-Security-Policy stays strict.
type chartFrame struct {
	w, h, left, right, top, bottom float64
	// yMax is the top of the y axis: the largest figure drawn and a
	// tenth, rounded up (niceCeil).
	yMax float64
}

// chartMonthLabels is about how many month labels a chart has: more run
// together, on screen and in print.
const chartMonthLabels = 8

// newChartFrame is a frame 720 wide and h high, with room of bottom under
// the plot for the month labels, for figures up to maxY.
func newChartFrame(h, bottom float64, maxY int64) chartFrame {
	return chartFrame{w: 720, h: h, left: 56, right: 16, top: 16, bottom: bottom, yMax: niceCeil(float64(maxY) * 1.1)}
}

func (f chartFrame) plotW() float64 { return f.w - f.left - f.right }
func (f chartFrame) plotH() float64 { return f.h - f.top - f.bottom }

// y is where the figure v stands.
func (f chartFrame) y(v float64) float64 { return f.top + f.plotH() - f.plotH()*v/f.yMax }

// base is the x axis's height: a bar stands on it.
func (f chartFrame) base() float64 { return f.top + f.plotH() }

// open starts the chart: the svg element, labelled by its title and
// description (ids id+"-title" and id+"-desc"), then the five grid lines
// with their values, and the axes.
func (f chartFrame) open(b *strings.Builder, id, testID, title, desc string) {
	fmt.Fprintf(b, `<svg class="app-chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="%s-title %s-desc" data-testid="%s" xmlns="http://www.w3.org/2000/svg">`,
		f.w, f.h, f.w, f.h, id, id, testID)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, template.HTMLEscapeString(title), id, template.HTMLEscapeString(desc))
	// Horizontal grid lines and y labels.
	for i := 0; i <= 4; i++ {
		v := f.yMax * float64(i) / 4
		fmt.Fprintf(b, `<line class="app-chart__grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, f.left, f.w-f.right, f.y(v), f.y(v))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, f.left-8, f.y(v)+4, axisText(v))
	}
	fmt.Fprintf(b, `<line class="app-chart__axis" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, f.left, f.w-f.right, f.base(), f.base())
	fmt.Fprintf(b, `<line class="app-chart__axis" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, f.left, f.left, f.top, f.base())
}

// axisText is a y-axis value: a whole number with its thousands grouped,
// as the page's counts are ("2,500"); a fraction as it is.
func axisText(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return domain.Thousands(int64(v))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// monthStep is the gap between month labels for n months: every
// monthStep-th month is labelled.
func monthStep(n int) int { return max(1, (n+chartMonthLabels-1)/chartMonthLabels) }

// monthLabel labels the month m at x under the x axis ("Jan 2026"),
// anchored "middle" or "end". Every other label (alt) is left out on a
// phone, where the chart's text is drawn larger (app.css): kept, they ran
// together.
func (f chartFrame) monthLabel(b *strings.Builder, x float64, anchor string, m time.Time, alt bool) {
	class := "app-chart__month"
	if alt {
		class += " app-chart__month--alt"
	}
	fmt.Fprintf(b, `<text class="%s" x="%.1f" y="%.1f" text-anchor="%s">%s</text>`, class, x, f.base()+20, anchor, m.Format("Jan 2006"))
}

// target draws the target's value across the plot, labelled at its right.
func (f chartFrame) target(b *strings.Builder, value int64, testID string) {
	ty := f.y(float64(value))
	fmt.Fprintf(b, `<line class="app-chart__target" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" data-testid="%s"/>`, f.left, f.w-f.right, ty, ty, testID)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">Target %s</text>`, f.w-f.right, ty-6, domain.Thousands(value))
}

// line draws a series as a line through points (x, y in the plot's
// coordinates), with a dot on each of those dotted says.
func line(b *strings.Builder, points [][2]float64, dotted func(i int) bool) {
	var pts []string
	for _, p := range points {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", p[0], p[1]))
	}
	fmt.Fprintf(b, `<polyline class="app-chart__line" points="%s"/>`, strings.Join(pts, " "))
	for i, p := range points {
		if dotted(i) {
			fmt.Fprintf(b, `<circle class="app-chart__point" cx="%.1f" cy="%.1f" r="4"/>`, p[0], p[1])
		}
	}
}

// niceCeil is the top of a y axis for figures up to v: four grid steps
// of the smallest step of 1, 2, 2.5 or 5 times a power of ten that
// reaches v (so at least 4). Figures are counts, whole numbers, and so is
// every grid value: a step of 2.5 only from 25 up.
func niceCeil(v float64) float64 {
	for p := int64(1); p <= math.MaxInt64/100; p *= 10 {
		steps := []int64{p, 2 * p, 5 * p}
		if p >= 10 {
			steps = []int64{p, 2 * p, 5 * p / 2, 5 * p}
		}
		for _, step := range steps {
			if float64(4*step) >= v {
				return float64(4 * step)
			}
		}
	}
	return math.Ceil(v) // past any count
}
