package onboarding

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/internal/testredis"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fakeNS answers the two reads the flow makes: the customer and its status.
type fakeNS struct{ customer, status netsuite.Record }

func (f fakeNS) GetRecord(_ context.Context, recordType, _ string, _ *netsuite.GetOptions) (netsuite.Record, error) {
	if recordType == "customer" {
		return f.customer, nil
	}
	return f.status, nil
}

func (fakeNS) UpsertRecord(context.Context, string, string, any, *netsuite.WriteOptions) (string, error) {
	panic("the dry-run wrote to NetSuite")
}

// fakeSF answers queries by the object they read; writes fail the test.
type fakeSF struct {
	rows map[string][]salesforce.Record
}

func (f fakeSF) Query(_ context.Context, soql string) ([]salesforce.Record, error) {
	for from, rows := range f.rows {
		if strings.Contains(soql, "FROM "+from+" ") {
			return rows, nil
		}
	}
	return nil, nil
}

func (fakeSF) Update(context.Context, string, string, map[string]any) error {
	panic("the dry-run wrote")
}
func (fakeSF) Upsert(context.Context, string, string, string, map[string]any) (salesforce.UpsertResult, error) {
	panic("the dry-run wrote")
}
func (fakeSF) Composite(context.Context, []salesforce.Subrequest) ([]salesforce.SubResponse, error) {
	panic("the dry-run wrote")
}

// TestDryRunGolden plans a German customer's onboarding (the DACH rule)
// and a US one's (the round-robin, past the inactive manager) with the
// shipped file on a Friday, and compares the dry-run's text with
// testdata/*.golden (go test -update rewrites them).
func TestDryRunGolden(t *testing.T) {
	c, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	db := testredis.New(t)
	users := []salesforce.Record{
		{"Id": "0055e0000000003AAA", "Name": "Casey Success", "IsActive": true},
		{"Id": "0055e0000000004AAA", "Name": "Morgan Onboard", "IsActive": true},
		{"Id": "0055e0000000005AAA", "Name": "Riley Care", "IsActive": true},
		{"Id": "0055e0000000006AAA", "Name": "Jordan Gone", "IsActive": false},
	}
	ns := fakeNS{customer: netsuite.Record{"companyName": "Globex GmbH", "entityStatus": map[string]any{"id": "13", "refName": "CUSTOMER-Closed Won"}},
		status: netsuite.Record{"stage": map[string]any{"id": "CUSTOMER"}}}
	friday := func() time.Time { return time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC) }
	for _, tc := range []struct{ name, country string }{{"dach", "Germany"}, {"round_robin", "United States"}} {
		t.Run(tc.name, func(t *testing.T) {
			sf := fakeSF{rows: map[string][]salesforce.Record{
				"User":        users,
				"Account":     {{"Id": "0015e0000000001AAA", "Name": "Globex", "OwnerId": "0055e0000000002AAA", "BillingCountry": tc.country}},
				"Opportunity": {{"Id": "0065e0000000001AAA", "Amount": 48200.0}},
			}}
			p, err := DryRun(t.Context(), Deps{Salesforce: sf, NetSuite: ns, Redis: db.Client, Config: c, Logger: slog.New(slog.DiscardHandler), Now: friday}, "107")
			if err != nil {
				t.Fatal(err)
			}
			got, path := p.String(), "testdata/"+tc.name+".golden"
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("dry-run:\n%s\nwant (%s):\n%s", got, path, want)
			}
		})
	}
}
