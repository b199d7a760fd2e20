package handlers

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/tandem-sync/tandem/jobs/reconcile"
)

// PathAdminBookingsReport is the bookings-vs-billings report.
const PathAdminBookingsReport = PrefixAdmin + "/reports/bookings-vs-billings"

// Report page sizes.
const (
	defaultReportPageSize = 500
	maxReportPageSize     = 5000
)

// BookingsReport answers GET /admin/reports/bookings-vs-billings.
type BookingsReport struct {
	// Parse reads ?period= (reconcile.ParsePeriod with the fiscal start).
	Parse func(period string) (reconcile.Period, error)
	// Run reconciles a period, read-only, calling line for each line.
	Run func(ctx context.Context, p reconcile.Period, line func(reconcile.Line) error) (*reconcile.Summary, error)
	// Snapshots keep a JSON report's lines for its later pages.
	Snapshots reconcile.Snapshots
	// Reporting is the reporting currency's code (CSV columns).
	Reporting string
}

// BookingsPage is the JSON answer: the period's summary, a page of lines
// and, when more follow, the cursor of the next page.
type BookingsPage struct {
	Summary    *reconcile.Summary `json:"summary"`
	Lines      []reconcile.Line   `json:"lines"`
	TotalLines int                `json:"total_lines"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// ServeHTTP: GET /admin/reports/bookings-vs-billings?period=2026-Q4
// [&cursor=…][&page_size=500]; Accept: text/csv streams every line as CSV.
func (b *BookingsReport) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size := defaultReportPageSize
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxReportPageSize {
			writeAdminError(w, http.StatusBadRequest, "page_size must be 1-"+strconv.Itoa(maxReportPageSize)+"; got "+strconv.Quote(s))
			return
		}
		size = n
	}
	if cursor := q.Get("cursor"); cursor != "" {
		b.page(w, r, cursor, size)
		return
	}
	p, err := b.Parse(q.Get("period"))
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if wantsCSV(r) {
		b.csv(w, r, p)
		return
	}
	run := func(line func(reconcile.Line) error) (*reconcile.Summary, error) { return b.Run(r.Context(), p, line) }
	id, _, err := b.Snapshots.Save(r.Context(), run)
	if err != nil {
		writeAdminError(w, http.StatusBadGateway, "reconciling "+p.Name+": "+err.Error())
		return
	}
	b.page(w, r, reconcile.Cursor(id, 0), size)
}

// page answers a page of a stored report.
func (b *BookingsReport) page(w http.ResponseWriter, r *http.Request, cursor string, size int) {
	id, offset, err := reconcile.ParseCursor(cursor)
	var lines []reconcile.Line
	var sum *reconcile.Summary
	var total int
	if err == nil {
		lines, sum, total, err = b.Snapshots.Page(r.Context(), id, offset, size)
	}
	switch {
	case errors.Is(err, reconcile.ErrBadCursor):
		writeAdminError(w, http.StatusBadRequest, "cursor: "+err.Error()+" (a report's pages can be read for "+b.Snapshots.TTLText()+"); ask again without it")
		return
	case err != nil:
		writeAdminError(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	out := BookingsPage{Summary: sum, Lines: lines, TotalLines: total}
	if out.Lines == nil {
		out.Lines = []reconcile.Line{}
	}
	if next := offset + len(lines); next < total {
		out.NextCursor = reconcile.Cursor(id, next)
	}
	writeAdminJSON(w, http.StatusOK, out)
}

// csv streams the period's lines as they are reconciled. An error once
// lines went out can only cut the answer short: it ends with an error row.
func (b *BookingsReport) csv(w http.ResponseWriter, r *http.Request, p reconcile.Period) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="bookings-vs-billings-`+p.Name+`.csv"`)
	cw := reconcile.NewCSVWriter(w, b.Reporting)
	_, err := b.Run(r.Context(), p, cw.Write)
	if err != nil {
		_ = cw.Abort(fmt.Errorf("reconciling %s: %w", p.Name, err))
		return
	}
	_ = cw.Flush()
}

// wantsCSV reports whether the request's Accept prefers text/csv.
func wantsCSV(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if t, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && t == "text/csv" {
			return true
		}
	}
	return false
}
