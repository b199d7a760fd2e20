package reconcile

import (
	"encoding/xml"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MonthTotals is one month of a period's report, in the reporting currency.
type MonthTotals struct {
	Month  string             // "2026-10"
	Booked map[string]float64 // by forecast category
	Billed map[string]float64 // by forecast category
}

// Totals are the month's booked and billed amounts over every category.
func (m MonthTotals) Totals() (booked, billed float64) {
	return sumByCategory(m.Booked), sumByCategory(m.Billed)
}

func sumByCategory(byCategory map[string]float64) float64 {
	var sum float64
	for _, v := range byCategory {
		sum += finiteOr0(v)
	}
	return sum
}

// finite drops NaN and infinities, which have no bar: a chart cannot
// refuse its input, and a zero is visibly wrong where a NaN would break
// every coordinate.
func finiteOr0(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// forecastCategoryOrder are Salesforce's forecast categories, most certain
// first: bars stack in this order from the axis up. A closed-won deal is
// normally Closed, but a user may have overridden it.
var forecastCategoryOrder = []string{"Closed", "Commit", "Best Case", "Pipeline", "Omitted"}

// categoryColours go with forecastCategoryOrder; categories Salesforce does
// not ship (custom picklist values, "" for none) take extraColours in
// name order.
var (
	categoryColours = map[string]string{
		"Closed": "#1b7f3b", "Commit": "#2a6fdb", "Best Case": "#8fb8f0", "Pipeline": "#f0a202", "Omitted": "#a0a7b0",
	}
	extraColours = []string{"#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d35400", "#2c3e50"}
)

// Chart geometry, in SVG user units (pixels at 100%).
const (
	chartWidth        = 960
	chartHeight       = 520
	plotLeft          = 96
	plotRight         = 730
	plotTop           = 64
	plotBottom        = 444
	legendLeft        = 760
	maxBarWidth       = 56
	barGap            = 4  // between a month's booked and billed bars
	yTickTarget       = 5  // about this many gridlines
	minTickGap        = 16 // pixels between the lowest two gridlines, so their amounts do not overlap
	minLabelBar       = 30
	chartMonthLayout  = "2006-01"
	chartMonthDisplay = "Jan 2006"
)

// chartSeries are the two bars of a month, left to right.
var chartSeries = []struct{ key, label string }{{"booked", "Booked"}, {"billed", "Billed"}}

// ChartSVG draws bookings against billings per month, each month a booked
// and a billed bar side by side, each stacked by forecast category, in the
// months' order. Amounts are in the reporting currency; negative amounts
// (credits over invoices) stack below the axis. The SVG is self-contained
// (no scripts, fonts or links), so it can be served alone or inline in a
// page, and carries a <title>, a <desc> summing each month up for screen
// readers, and a tooltip and aria-label on every segment.
func ChartSVG(period, currency string, months []MonthTotals) []byte {
	c := newChart(period, currency, months)
	var b svgBuilder
	c.header(&b)
	c.axis(&b)
	for i, m := range months {
		c.month(&b, i, m)
	}
	c.legend(&b)
	b.raw("</svg>\n")
	return []byte(b.String())
}

// chart is what drawing needs: the money format, the categories in stack
// order with their colours, and the y scale.
type chart struct {
	period, currency string
	months           []MonthTotals
	money            moneyFormat
	categories       []string
	colours          map[string]string
	lo, hi           float64
	ticks            []float64 // the gridlines' amounts, bottom up
}

func newChart(period, currency string, months []MonthTotals) *chart {
	c := &chart{period: period, currency: currency, months: months, money: newMoneyFormat(currency)}
	c.categories, c.colours = chartCategories(months)
	c.lo, c.hi, c.ticks = chartScale(months)
	return c
}

// categoriesOf lists the categories with an amount in any month: the
// shipped ones in their order, then the others by name.
func chartCategories(months []MonthTotals) ([]string, map[string]string) {
	seen := map[string]bool{}
	for _, m := range months {
		for _, byCat := range []map[string]float64{m.Booked, m.Billed} {
			for cat, v := range byCat {
				if finiteOr0(v) != 0 {
					seen[cat] = true
				}
			}
		}
	}
	var cats, extra []string
	for _, cat := range forecastCategoryOrder {
		if seen[cat] {
			cats = append(cats, cat)
		}
	}
	for cat := range seen {
		if _, shipped := categoryColours[cat]; !shipped {
			extra = append(extra, cat)
		}
	}
	slices.Sort(extra)
	colours := map[string]string{}
	for cat, colour := range categoryColours {
		colours[cat] = colour
	}
	for i, cat := range extra {
		colours[cat] = extraColours[i%len(extraColours)]
	}
	return append(cats, extra...), colours
}

// chartScale is the axis range and its gridlines: above zero whole steps
// of a nice size (1, 2, 2.5 or 5 times a power of ten), always including
// zero; below zero whole steps too, unless the negative amounts (credits)
// reach less than a step down: then only as far as the next nice amount,
// so a small credit does not leave an empty band a whole step deep.
func chartScale(months []MonthTotals) (lo, hi float64, ticks []float64) {
	for _, m := range months {
		for _, byCat := range []map[string]float64{m.Booked, m.Billed} {
			up, down := stackExtent(byCat)
			hi, lo = max(hi, up), min(lo, down)
		}
	}
	if hi == lo {
		hi = 1
	}
	step := niceStep((hi - lo) / yTickTarget)
	hi = math.Ceil(hi/step) * step
	if lo < 0 {
		// deep enough for the lowest amount not to overlap zero's
		least := hi * minTickGap / (plotBottom - plotTop - minTickGap)
		if short := niceStep(max(-lo, least)); short < step {
			lo = -short
			ticks = append(ticks, lo)
		} else {
			lo = math.Floor(lo/step) * step
		}
	}
	for i := math.Ceil(lo / step); i*step <= hi+step/2; i++ {
		ticks = append(ticks, i*step+0) // +0: -0 would read "CHF -0"
	}
	return lo, hi, ticks
}

// stackExtent is how far a stack reaches above and below zero.
func stackExtent(byCat map[string]float64) (up, down float64) {
	for _, v := range byCat {
		if v = finiteOr0(v); v > 0 {
			up += v
		} else {
			down += v
		}
	}
	return up, down
}

func niceStep(raw float64) float64 {
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5} {
		if raw <= m*pow {
			return m * pow
		}
	}
	return 10 * pow
}

// y is the vertical position of an amount.
func (c *chart) y(v float64) float64 {
	return plotBottom - (v-c.lo)/(c.hi-c.lo)*(plotBottom-plotTop)
}

func (c *chart) title() string {
	return fmt.Sprintf("Bookings against billings, %s (%s), by forecast category", c.period, c.currency)
}

func (c *chart) header(b *svgBuilder) {
	b.raw(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="bvb-title bvb-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" fill="#1f2933">`+"\n",
		chartWidth, chartHeight, chartWidth, chartHeight))
	b.el("title", `id="bvb-title"`, c.title())
	b.el("desc", `id="bvb-desc"`, c.description())
	// Billed bars are their category's colour under white stripes, so the
	// pair tells apart without a second palette.
	b.raw(`<defs><pattern id="bvb-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="3" height="6" fill="#fff" fill-opacity="0.45"/></pattern></defs>` + "\n")
	b.raw(`<rect width="100%" height="100%" fill="#fff"/>` + "\n")
	b.el("text", `class="chart-title" x="24" y="32" font-size="18" font-weight="600"`, c.title())
}

// description sums each month up for people who cannot see the bars.
func (c *chart) description() string {
	if len(c.months) == 0 {
		return "No months to show."
	}
	parts := make([]string, len(c.months))
	for i, m := range c.months {
		booked, billed := m.Totals()
		parts[i] = fmt.Sprintf("%s: booked %s, billed %s", chartMonthLabel(m.Month), c.money.full(booked), c.money.full(billed))
	}
	return "Each month, booked and billed amounts side by side, stacked by forecast category. " + strings.Join(parts, "; ") + "."
}

// axis draws the gridlines with their amounts and the zero line.
func (c *chart) axis(b *svgBuilder) {
	b.raw(`<g class="y-axis" font-size="11" text-anchor="end">` + "\n")
	for _, v := range c.ticks {
		y := svgNum(c.y(v))
		b.raw(fmt.Sprintf(`<line x1="%d" x2="%d" y1="%s" y2="%s" stroke="#e4e7eb"/>`, plotLeft, plotRight, y, y))
		b.el("text", fmt.Sprintf(`class="tick" x="%d" y="%s" dy="4"`, plotLeft-8, y), c.money.compact(v))
		b.raw("\n")
	}
	b.raw("</g>\n")
	zero := svgNum(c.y(0))
	b.raw(fmt.Sprintf(`<line class="zero" x1="%d" x2="%d" y1="%s" y2="%s" stroke="#52606d"/>`+"\n", plotLeft, plotRight, zero, zero))
	b.el("text", fmt.Sprintf(`class="axis-label" transform="translate(20 %d) rotate(-90)" text-anchor="middle" font-size="11"`, (plotTop+plotBottom)/2), c.currency)
	b.raw("\n")
	if len(c.months) == 0 {
		b.el("text", fmt.Sprintf(`class="empty" x="%d" y="%d" text-anchor="middle" font-size="14"`, (plotLeft+plotRight)/2, (plotTop+plotBottom)/2),
			"No closed-won bookings or billings in "+c.period)
		b.raw("\n")
	}
}

// barWidth is each bar's width: a month's slot holds two bars and a gap.
func (c *chart) barWidth() float64 {
	slot := float64(plotRight-plotLeft) / float64(max(len(c.months), 1))
	return min(maxBarWidth, (slot*0.7-barGap)/2)
}

// month draws one month's pair of stacked bars and its label.
func (c *chart) month(b *svgBuilder, i int, m MonthTotals) {
	slot := float64(plotRight-plotLeft) / float64(len(c.months))
	centre := plotLeft + slot*(float64(i)+0.5)
	w := c.barWidth()
	b.raw(fmt.Sprintf(`<g class="month" data-month="%s">`+"\n", svgEscape(m.Month)))
	for j, s := range chartSeries {
		x := centre - w - barGap/2 + float64(j)*(w+barGap)
		byCat := m.Booked
		if s.key == "billed" {
			byCat = m.Billed
		}
		c.stack(b, m.Month, s.key, s.label, x, w, byCat)
		b.el("text", fmt.Sprintf(`class="series-label" x="%s" y="%d" text-anchor="middle" font-size="10" fill="#52606d"`, svgNum(x+w/2), plotBottom+16), s.label)
	}
	b.el("text", fmt.Sprintf(`class="month-label" x="%s" y="%d" text-anchor="middle" font-weight="600"`, svgNum(centre), plotBottom+34), chartMonthLabel(m.Month))
	b.raw("\n</g>\n")
}

// stack draws one bar: its categories' segments from the zero line out,
// positive amounts up and negative ones down, and its total on top.
func (c *chart) stack(b *svgBuilder, month, key, label string, x, w float64, byCat map[string]float64) {
	var up, down float64
	for _, cat := range c.categories {
		v := finiteOr0(byCat[cat])
		if v == 0 {
			continue
		}
		from := &up
		if v < 0 {
			from = &down
		}
		top, bottom := c.y(*from+max(v, 0)), c.y(*from+min(v, 0))
		*from += v
		text := fmt.Sprintf("%s %s, %s: %s", chartMonthLabel(month), strings.ToLower(label), chartCategoryLabel(cat), c.money.full(v))
		b.raw(fmt.Sprintf(`<rect class="bar" data-series="%s" data-category="%s" data-value="%s" x="%s" y="%s" width="%s" height="%s" fill="%s" aria-label="%s">`,
			key, svgEscape(cat), strconv.FormatFloat(v, 'f', -1, 64), svgNum(x), svgNum(top), svgNum(w), svgNum(bottom-top), c.colours[cat], svgEscape(text)))
		b.el("title", "", text)
		b.raw("</rect>")
		if key == "billed" {
			b.raw(fmt.Sprintf(`<rect class="hatch" x="%s" y="%s" width="%s" height="%s" fill="url(#bvb-hatch)" pointer-events="none"/>`,
				svgNum(x), svgNum(top), svgNum(w), svgNum(bottom-top)))
		}
		b.raw("\n")
	}
	if w >= minLabelBar && (up != 0 || down != 0) {
		b.el("text", fmt.Sprintf(`class="bar-total" x="%s" y="%s" text-anchor="middle" font-size="10"`, svgNum(x+w/2), svgNum(c.y(up)-4)),
			c.money.compact(up+down))
		b.raw("\n")
	}
}

// legend names each category's colour and how billed bars look.
func (c *chart) legend(b *svgBuilder) {
	b.raw(fmt.Sprintf(`<g class="legend" transform="translate(%d %d)">`+"\n", legendLeft, plotTop))
	b.el("text", `font-weight="600" y="0"`, "Forecast category")
	b.raw("\n")
	y := 14
	for _, cat := range c.categories {
		b.raw(fmt.Sprintf(`<g class="legend-item" data-category="%s"><rect y="%d" width="14" height="14" fill="%s"/>`, svgEscape(cat), y, c.colours[cat]))
		b.el("text", fmt.Sprintf(`x="20" y="%d"`, y+11), chartCategoryLabel(cat))
		b.raw("</g>\n")
		y += 22
	}
	y += 12
	b.raw(fmt.Sprintf(`<g class="legend-item" data-series="booked"><rect y="%d" width="14" height="14" fill="#7b8794"/>`, y))
	b.el("text", fmt.Sprintf(`x="20" y="%d"`, y+11), "Booked (left bar)")
	b.raw("</g>\n")
	y += 22
	b.raw(fmt.Sprintf(`<g class="legend-item" data-series="billed"><rect y="%d" width="14" height="14" fill="#7b8794"/><rect y="%d" width="14" height="14" fill="url(#bvb-hatch)"/>`, y, y))
	b.el("text", fmt.Sprintf(`x="20" y="%d"`, y+11), "Billed (right bar, striped)")
	b.raw("</g>\n</g>\n")
}

// categoryLabel shows an opportunity without a forecast category.
func chartCategoryLabel(cat string) string {
	if cat == "" {
		return "(no category)"
	}
	return cat
}

// monthLabel is "Oct 2026" for "2026-10", or the text as given.
func chartMonthLabel(month string) string {
	t, err := time.Parse(chartMonthLayout, month)
	if err != nil {
		return month
	}
	return t.Format(chartMonthDisplay)
}

// num prints a coordinate with at most two decimals, so goldens do not
// churn on float noise.
func svgNum(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// attr escapes text for an attribute value (quotes included).
func svgEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// svgBuilder writes markup; every piece of text goes through attr.
type svgBuilder struct{ strings.Builder }

func (b *svgBuilder) raw(s string) { b.WriteString(s) }

// el writes <name attrs>text</name>, the text escaped.
func (b *svgBuilder) el(name, attrs, text string) {
	if attrs != "" {
		attrs = " " + attrs
	}
	b.WriteString("<" + name + attrs + ">" + svgEscape(text) + "</" + name + ">")
}
