package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce"
)

// SalesforceAPI is what the reconciliation needs of Salesforce;
// *salesforce.Client implements it.
type SalesforceAPI interface {
	QueryEach(ctx context.Context, soql string, fn func(salesforce.Record) error) error
	QueryEachBatch(ctx context.Context, soql string, batchSize int, fn func(salesforce.Record) error) error
	MultiCurrency(ctx context.Context) (bool, error)
	UpdateCollection(ctx context.Context, object string, records []map[string]any) ([]salesforce.UpsertResult, error)
	BulkUpsert(ctx context.Context, object, extField string, records []map[string]any) ([]salesforce.UpsertResult, error)
}

// The opportunity fields Tandem writes (deploy/salesforce ships them).
const (
	FieldOrdered        = "NetSuite_Ordered__c"
	FieldBilled         = "NetSuite_Billed__c"
	FieldPaid           = "NetSuite_Paid__c"
	FieldRecognised     = "NetSuite_Recognised__c"
	FieldGap            = "Booking_Gap__c"
	FieldLastReconciled = "NetSuite_Last_Reconciled__c"
)

// writtenFields are the figures compared before a write, in this order.
var writtenFields = []string{FieldOrdered, FieldBilled, FieldPaid, FieldRecognised, FieldGap}

// Opportunity is one closed-won opportunity as read from Salesforce.
type Opportunity struct {
	ID, Name         string
	OwnerID, Owner   string
	Currency         string // "" in a single-currency org
	ForecastCategory string
	CloseDate        time.Time
	Amount           float64
	Written          map[string]*float64 // the NetSuite figures on the record now, by field; nil = empty
}

// opportunitiesSOQL selects the closed-won opportunities closed in p.
// IsWon, not a stage name: orgs rename and add won stages.
func opportunitiesSOQL(p Period, multiCurrency bool) string {
	fields := []string{"Id", "Name", "Amount", "ForecastCategoryName", "OwnerId", "Owner.Name", "CloseDate"}
	if multiCurrency {
		fields = append(fields, "CurrencyIsoCode")
	}
	fields = append(fields, writtenFields...)
	return "SELECT " + strings.Join(fields, ", ") + " FROM Opportunity WHERE IsWon = true" +
		" AND CloseDate >= " + p.Start.Format(time.DateOnly) + " AND CloseDate < " + p.End.Format(time.DateOnly) +
		" ORDER BY Id"
}

// eachOpportunity calls fn for every closed-won opportunity of p, as
// SOQL pages them (nextRecordsUrl, batchSize a page: one reconciliation
// page, so a decoded SOQL page and a NetSuite page are all it holds).
func eachOpportunity(ctx context.Context, sf SalesforceAPI, p Period, batchSize int, fn func(Opportunity) error) error {
	multi, err := sf.MultiCurrency(ctx)
	if err != nil {
		return err
	}
	err = sf.QueryEachBatch(ctx, opportunitiesSOQL(p, multi), batchSize, func(r salesforce.Record) error {
		return fn(opportunityOf(r))
	})
	if err != nil {
		return fmt.Errorf("reading the closed-won opportunities of %s: %w", p.Name, err)
	}
	return nil
}

func opportunityOf(r salesforce.Record) Opportunity {
	o := Opportunity{
		ID: r.String("Id"), Name: r.String("Name"), OwnerID: r.String("OwnerId"), Owner: r.String("Owner.Name"),
		Currency: r.String("CurrencyIsoCode"), ForecastCategory: r.String("ForecastCategoryName"),
		Written: make(map[string]*float64, len(writtenFields)),
	}
	o.Amount, _ = r.Float("Amount")
	o.CloseDate, _ = time.Parse(time.DateOnly, r.String("CloseDate"))
	for _, f := range writtenFields {
		if v, ok := r.Float(f); ok {
			o.Written[f] = &v
		}
	}
	return o
}

// CheckFiscalYear compares the org's fiscal year settings with the start
// month periods are parsed with: quarters counted from another month, or
// years named after their start, would total the wrong deals.
func CheckFiscalYear(ctx context.Context, sf SalesforceAPI, startMonth int) error {
	var org []salesforce.Record
	err := sf.QueryEach(ctx, "SELECT FiscalYearStartMonth, UsesStartDateAsFiscalYearName FROM Organization", func(r salesforce.Record) error {
		org = append(org, r)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading the org's fiscal year settings: %w", err)
	}
	if len(org) != 1 {
		return fmt.Errorf("reading the org's fiscal year settings: %d Organization records", len(org))
	}
	if m, _ := org[0].Float("FiscalYearStartMonth"); int(m) != startMonth {
		return fmt.Errorf("TANDEM_FISCAL_YEAR_START_MONTH is %d but the org's fiscal year starts in month %d (Setup > Fiscal Year)", startMonth, int(m))
	}
	if org[0].Bool("UsesStartDateAsFiscalYearName") {
		return errors.New("the org names fiscal years after the year they start in; Tandem names them after the year they end in (Salesforce's default)")
	}
	return nil
}
