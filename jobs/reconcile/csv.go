package reconcile

import (
	"encoding/csv"
	"io"
	"strconv"
)

// csvHeader names the CSV columns of a line.
var csvHeader = []string{"kind", "opportunity_id", "opportunity_name", "owner", "forecast_category", "date",
	"sales_order_id", "sales_order", "cancelled", "currency", "booked", "ordered", "billed", "paid", "recognised",
	"booking_gap", "order_gap", "unpaid", "reporting_currency", "reporting_booked", "reporting_ordered",
	"reporting_billed", "reporting_paid", "reporting_recognised", "reporting_booking_gap", "reporting_order_gap",
	"reporting_unpaid"}

// CSVWriter writes lines as CSV, a header first.
type CSVWriter struct {
	w         *csv.Writer
	reporting string
	started   bool
}

// NewCSVWriter writes to w; reporting is the reporting currency's code.
func NewCSVWriter(w io.Writer, reporting string) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), reporting: reporting}
}

// Write writes one line (the header before the first).
func (c *CSVWriter) Write(l Line) error {
	if err := c.header(); err != nil {
		return err
	}
	owner := l.Owner
	if owner == "" {
		owner = l.OwnerID
	}
	row := []string{l.Kind, l.OpportunityID, l.OpportunityName, owner, l.ForecastCategory, l.Date,
		l.SalesOrderID, l.SalesOrder, strconv.FormatBool(l.Cancelled), l.Currency}
	row = append(row, figuresCSV(l.Deal)...)
	row = append(row, c.reporting)
	row = append(row, figuresCSV(l.Reporting)...)
	return c.w.Write(row)
}

// Abort ends a CSV cut short by err with a row "error,<message>" and
// flushes: a reader that counts rows sees the report is incomplete.
func (c *CSVWriter) Abort(err error) error {
	if werr := c.header(); werr != nil {
		return werr
	}
	if werr := c.w.Write([]string{"error", err.Error()}); werr != nil {
		return werr
	}
	c.w.Flush()
	return c.w.Error()
}

// Flush flushes, writing the header if no line came.
func (c *CSVWriter) Flush() error {
	if err := c.header(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func figuresCSV(f Figures) []string {
	n := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	recognised := ""
	if f.Recognised != nil {
		recognised = n(*f.Recognised)
	}
	return []string{n(f.Booked), n(f.Ordered), n(f.Billed), n(f.Paid), recognised, n(f.BookingGap), n(f.OrderGap), n(f.Unpaid)}
}

// header writes the header row once.
func (c *CSVWriter) header() error {
	if c.started {
		return nil
	}
	c.started = true
	return c.w.Write(csvHeader)
}
