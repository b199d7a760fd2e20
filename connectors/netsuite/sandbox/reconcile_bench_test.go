package sandbox

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// benchOrders is the reconciliation benchmark's size: 100,000 sales
// orders, nine in ten invoiced, two in three of those paid.
const benchOrders = 100_000

// loadBenchOrders fills a sandbox with n orders SFOPP-OPP000001… .
func loadBenchOrders(tb testing.TB, n int) *Server {
	tb.Helper()
	srv, err := New(Config{Seed: Seed{Customers: 20}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Close)
	specs := make([]OrderSpec, n)
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := range specs {
		amount := float64(1000 + i%500)
		specs[i] = OrderSpec{ExternalID: fmt.Sprintf("SFOPP-OPP%06d", i+1), Customer: fmt.Sprint(102 + i%20),
			Date: day.AddDate(0, 0, i%90), Amount: amount}
		if i%10 != 0 {
			specs[i].Billed = amount
		}
		if i%10 != 0 && i%3 != 0 {
			specs[i].Paid = amount / 2
		}
	}
	if _, err := srv.LoadOrders(specs); err != nil {
		tb.Fatal(err)
	}
	return srv
}

// benchPageQuery is a reconciliation page: 1,000 orders by external id
// with their invoices and revenue plans, aggregated per order.
func benchPageQuery(page int) (string, []suiteql.Value) {
	var marks []string
	var params []suiteql.Value
	for i := range 1000 {
		marks = append(marks, "?")
		params = append(params, fmt.Sprintf("SFOPP-OPP%06d", page*1000+i+1))
	}
	q := "SELECT so.id, so.externalid, so.foreigntotal AS ordered, cur.symbol AS currency, " +
		"NVL(SUM(inv.foreigntotal), 0) AS invoiced, NVL(SUM(inv.foreignamountpaid), 0) AS applied, SUM(rp.totalrecognized) AS recognised " +
		"FROM transaction so JOIN currency cur ON cur.id = so.currency JOIN customer c ON c.id = so.entity " +
		"LEFT JOIN transaction inv ON inv.createdfrom = so.id AND inv.type = 'CustInvc' " +
		"LEFT JOIN revenueplan rp ON rp.createdfrom = inv.id " +
		"WHERE so.type = 'SalesOrd' AND so.externalid IN (" + strings.Join(marks, ", ") + ") " +
		"GROUP BY so.id, so.externalid, so.foreigntotal, cur.symbol ORDER BY so.id"
	return q, params
}

func runBenchQuery(b *testing.B, srv *Server, q string, params []suiteql.Value) int {
	parsed, err := suiteql.Parse(q)
	if err != nil {
		b.Fatal(err)
	}
	srv.store.mu.Lock()
	defer srv.store.mu.Unlock()
	res, err := parsed.Run(srv.store.suiteqlTable, params)
	if err != nil {
		b.Fatal(err)
	}
	return len(res.Rows)
}

// BenchmarkReconciliationPageQuery runs one page of the reconciliation's
// joined query against 100,000 orders and 90,000 invoices: warm (the
// tables cached, as between the pages of one run) and cold (rebuilt, as
// after a write).
func BenchmarkReconciliationPageQuery(b *testing.B) {
	srv := loadBenchOrders(b, benchOrders)
	for _, mode := range []string{"warm", "cold"} {
		b.Run(mode, func(b *testing.B) {
			q, params := benchPageQuery(0)
			rows := runBenchQuery(b, srv, q, params) // the tables built once, as the first page of a run does
			for i := 0; b.Loop(); i++ {
				if mode == "cold" {
					srv.store.mu.Lock()
					srv.store.version++ // as any write does
					srv.store.mu.Unlock()
				}
				q, params := benchPageQuery(i % (benchOrders / 1000))
				rows = runBenchQuery(b, srv, q, params)
			}
			if rows != 1000 {
				b.Fatalf("a page gave %d rows, want 1000", rows)
			}
			b.ReportMetric(float64(rows), "rows/op")
		})
	}
}
