package invoices

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/testredis"
)

// pairedOrg is a Salesforce sandbox over HTTP with one linked customer,
// CUST-1, and a flow writing to it with a Redis database of its own.
func pairedOrg(t *testing.T) (*sfsandbox.Server, *salesforce.Client, flow) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	org, err := sfsandbox.New(sfsandbox.Config{BaseURL: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(org.Close)
	srv.Config.Handler = org.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	sf, err := salesforce.New(salesforce.Config{LoginURL: srv.URL, ClientID: sfsandbox.DefaultClientID, ClientSecret: sfsandbox.DefaultClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Upsert(t.Context(), "Account", "NetSuite_Id__c", "CUST-1", map[string]any{"Name": "Linked Co"}); err != nil {
		t.Fatal(err)
	}
	return org, sf, newFlow(Deps{Salesforce: sf, Redis: testredis.New(t).Client})
}

func pending(t *testing.T, target, extID string, body map[string]any) pendingWrite {
	t.Helper()
	return pendingWrite{body: body, target: target, hash: "h-" + extID, extID: extID}
}

// TestWritePairIsOneCallKeepingEachRule: an invoice and its Account's
// balances go in one API call, yet each write keeps its own outcome: a
// memo only for a write that succeeded, an unlinked customer's invoice
// retried (not archived) and its Account never created.
func TestWritePairIsOneCallKeepingEachRule(t *testing.T) {
	tests := []struct {
		name, customer  string
		invoice         map[string]any
		wantErr         string // substring; "" for none
		permanent       bool
		invoiceMemo     bool
		balanceMemo     bool
		accountsCreated int
	}{
		{"linked", "CUST-1", map[string]any{"NetSuite_Id__c": "INV-1", "Account__r": map[string]any{"NetSuite_Id__c": "CUST-1"}, "Total__c": 120.5},
			"", false, true, true, 0},
		{"unlinked customer", "CUST-NONE", map[string]any{"NetSuite_Id__c": "INV-2", "Account__r": map[string]any{"NetSuite_Id__c": "CUST-NONE"}, "Total__c": 10},
			"parent not in Salesforce yet, retrying later", false, false, false, 0},
		{"invoice refused, balances written", "CUST-1", map[string]any{"NetSuite_Id__c": "INV-3", "Bogus__c": 1},
			"INVALID_FIELD", true, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org, sf, f := pairedOrg(t)
			ctx := t.Context()
			inv := pending(t, "salesforce:"+invoiceObject+":"+tt.invoice["NetSuite_Id__c"].(string), tt.invoice["NetSuite_Id__c"].(string), tt.invoice)
			bal := pending(t, "salesforce:Account.balances:"+tt.customer, tt.customer, map[string]any{"Open_Balance__c": 120.5, "Overdue_Balance__c": 0.0})
			before := sf.Limits().Used
			err := f.writeInvoiceAndBalance(ctx, []pendingWrite{inv}, &bal)
			if calls := sf.Limits().Used - before; calls != 1 {
				t.Errorf("%d API calls, want 1", calls)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			}
			if err != nil && connectors.IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, !tt.permanent, tt.permanent)
			}
			for _, m := range []struct {
				p    pendingWrite
				want bool
			}{{inv, tt.invoiceMemo}, {bal, tt.balanceMemo}} {
				if _, ok, err := f.memos.Last(ctx, m.p.target); err != nil || ok != m.want {
					t.Errorf("memo of %s kept = %v (%v), want %v", m.p.target, ok, err, m.want)
				}
			}
			accounts, err := org.Query("SELECT Id, Open_Balance__c FROM Account WHERE NetSuite_Id__c = '" + tt.customer + "'")
			if err != nil {
				t.Fatal(err)
			}
			if tt.customer == "CUST-NONE" && len(accounts) != 0 {
				t.Errorf("the balance write created an Account for an unlinked customer")
			}
			if tt.balanceMemo && (len(accounts) != 1 || accounts[0]["Open_Balance__c"] != 120.5) {
				t.Errorf("account = %v, want open balance 120.5", accounts)
			}
		})
	}
}
