package handlers

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"regexp"
	"strconv"

	"github.com/tandem-sync/tandem/jobs/reconcile"
)

// Bookings-vs-billings chart routes, full paths.
const (
	PathAdminBookingsChart = PrefixAdmin + "/reports/bookings-vs-billings/chart"
	PathAdminBookingsPage  = PrefixAdmin + "/reports/bookings-vs-billings/page"
)

// ChartData returns a period's reporting currency and its month totals,
// from F6's report.
type ChartData func(ctx context.Context, period string) (currency string, months []reconcile.MonthTotals, err error)

// chartPeriodSyntax is a fiscal quarter or month as users type it. Whether it
// exists in the org's fiscal calendar is the report's to say.
var chartPeriodSyntax = regexp.MustCompile(`^[0-9]{4}-(Q[1-4]|0[1-9]|1[0-2])$`)

// chartPageSecurity lets the page show its inline SVG and styles and nothing
// else: no scripts, no outside requests.
const chartPageSecurity = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// ChartHandler serves the bookings-vs-billings chart: the SVG alone at
// PathAdminBookingsChart and a page with the SVG inline and a table of
// the month totals at PathAdminBookingsPage, both for ?period=2026-Q4 or
// 2026-11. Like NewAdmin it routes on full paths; put AdminAuth in front
// (AdminDeps.BookingsChart does, under /admin).
func ChartHandler(data ChartData) http.Handler {
	c := chartRoutes{data}
	r := newAdminMux()
	r.Get(PathAdminBookingsChart, c.svg)
	r.Get(PathAdminBookingsPage, c.page)
	return adminRouter{r}
}

type chartRoutes struct{ data ChartData }

// chartFor reads the period's figures and draws them; on bad input or a
// failed read it has answered already and returns ok false.
func (c chartRoutes) chartFor(w http.ResponseWriter, r *http.Request) (period, currency string, months []reconcile.MonthTotals, svg []byte, ok bool) {
	period = r.URL.Query().Get("period")
	if !chartPeriodSyntax.MatchString(period) {
		writeAdminError(w, http.StatusBadRequest, "period must be a fiscal quarter or month, e.g. 2026-Q4 or 2026-11; got "+strconv.Quote(period))
		return "", "", nil, nil, false
	}
	currency, months, err := c.data(r.Context(), period)
	if err != nil {
		writeAdminError(w, http.StatusBadGateway, "reading the bookings-vs-billings report for "+period+": "+err.Error())
		return "", "", nil, nil, false
	}
	return period, currency, months, reconcile.ChartSVG(period, currency, months), true
}

// svg: GET /admin/reports/bookings-vs-billings/chart?period=
func (c chartRoutes) svg(w http.ResponseWriter, r *http.Request) {
	_, _, _, svg, ok := c.chartFor(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", chartPageSecurity)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(svg)
}

// page: GET /admin/reports/bookings-vs-billings/page?period=
func (c chartRoutes) page(w http.ResponseWriter, r *http.Request) {
	period, currency, months, svg, ok := c.chartFor(w, r)
	if !ok {
		return
	}
	p := chartPage{Period: period, Currency: currency, SVG: template.HTML(svg)} // ChartSVG escapes every text it draws
	var booked, billed float64
	for _, m := range months {
		bk, bl := m.Totals()
		booked, billed = booked+bk, billed+bl
		p.Rows = append(p.Rows, chartRow(currency, m.Month, bk, bl))
	}
	p.Total = chartRow(currency, "Total", booked, billed)
	var out bytes.Buffer
	if err := chartPageTemplate.Execute(&out, p); err != nil {
		writeAdminError(w, http.StatusInternalServerError, "rendering the chart page: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", chartPageSecurity)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(out.Bytes())
}

type chartPage struct {
	Period, Currency string
	SVG              template.HTML
	Rows             []chartPageRow
	Total            chartPageRow
}

type chartPageRow struct{ Month, Booked, Billed, Gap string }

func chartRow(currency, month string, booked, billed float64) chartPageRow {
	return chartPageRow{month, reconcile.FormatMoney(currency, booked), reconcile.FormatMoney(currency, billed), reconcile.FormatMoney(currency, booked-billed)}
}

var chartPageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Bookings vs billings, {{.Period}} ({{.Currency}}) · Tandem</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 12px; }
form { margin: 0 0 16px; }
figure { margin: 0 0 16px; }
figure svg { max-width: 100%; height: auto; border: 1px solid #e4e7eb; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 12px; border-bottom: 1px solid #e4e7eb; text-align: right; }
th[scope=row], thead th:first-child { text-align: left; }
tfoot th, tfoot td { font-weight: 600; border-bottom: none; }
</style>
</head>
<body>
<h1>Bookings vs billings</h1>
<form method="get"><label>Period <input name="period" value="{{.Period}}" required pattern="[0-9]{4}-(Q[1-4]|0[1-9]|1[0-2])" size="8"></label> <button type="submit">Show</button> <a href="chart?period={{.Period}}">SVG</a></form>
<figure>
{{.SVG}}
</figure>
<table>
<caption>Closed-won bookings and billings per month, {{.Currency}}</caption>
<thead><tr><th scope="col">Month</th><th scope="col">Booked</th><th scope="col">Billed</th><th scope="col">Gap (booked − billed)</th></tr></thead>
<tbody>
{{range .Rows}}<tr><th scope="row">{{.Month}}</th><td>{{.Booked}}</td><td>{{.Billed}}</td><td>{{.Gap}}</td></tr>
{{end}}</tbody>
<tfoot><tr><th scope="row">{{.Total.Month}}</th><td>{{.Total.Booked}}</td><td>{{.Total.Billed}}</td><td>{{.Total.Gap}}</td></tr></tfoot>
</table>
</body>
</html>
`))
