package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/jobs/reconcile"
)

// TestReportBookingsCommand: `tandem report bookings-vs-billings --write`
// against the sandboxes prints the deal's line and the totals and writes
// its figures; run again it writes nothing; a fiscal year start the org
// does not have is refused before anything is read.
func TestReportBookingsCommand(t *testing.T) {
	cfg, sb := startSandboxesOnly(t)

	opp, err := sb.sf.Create("Opportunity", map[string]any{"Name": "Report deal", "StageName": "Closed Won", "CloseDate": "2026-10-05",
		"Amount": 1000, "CurrencyIsoCode": "USD"}, sb.sf.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	order, err := sb.ns.Put("salesOrder", map[string]any{"entity": map[string]any{"id": "102"}, "tranDate": "2026-10-05", "externalId": "SFOPP-" + opp,
		"item": map[string]any{"items": []any{map[string]any{"item": map[string]any{"id": "1001"}, "quantity": 4, "rate": 250}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.ns.Transform("salesOrder", order, "invoice", map[string]any{"item": map[string]any{"items": []any{
		map[string]any{"orderLine": 1, "quantity": 1}}}}); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	args := []string{"bookings-vs-billings", "--period", "2026-Q4", "--write", "--lines"}
	if err := reportCommand(context.Background(), cfg, args, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"bookings vs billings 2026-Q4 (2026-10-01 to 2027-01-01), in USD", "Report deal",
		"1 closed-won opportunities (0 without a sales order)", "written back: 1 changed, 1 written, 0 failed, in 1 Salesforce calls"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	rec, _ := sb.sf.Get("Opportunity", opp)
	if rec[reconcile.FieldOrdered] != 1000.0 || rec[reconcile.FieldBilled] != 250.0 || rec[reconcile.FieldGap] != 750.0 {
		t.Errorf("the opportunity's figures: ordered %v, billed %v, gap %v", rec[reconcile.FieldOrdered], rec[reconcile.FieldBilled], rec[reconcile.FieldGap])
	}

	out.Reset()
	if err := reportCommand(context.Background(), cfg, args[:3], &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "written back") || strings.Contains(out.String(), "Report deal") {
		t.Errorf("without --write and --lines:\n%s", out.String())
	}
	out.Reset()
	if err := reportCommand(context.Background(), cfg, append(args[:3:3], "--write"), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "written back: 0 changed") {
		t.Errorf("the second write:\n%s", out.String())
	}

	err = reportCommand(context.Background(), commandConfig(t, cfg.BaseURL(), "TANDEM_FISCAL_YEAR_START_MONTH", "4"), args, &out)
	if err == nil || !strings.Contains(err.Error(), "starts in month 1") {
		t.Errorf("an April fiscal year against the org's January: %v", err)
	}
	if err := reportCommand(context.Background(), cfg, []string{"bookings-vs-billings", "--period", "2026-Q5"}, &out); err == nil {
		t.Error("--period 2026-Q5 taken")
	}
}
