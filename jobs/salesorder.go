package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/mapping"
)

// Mapping files F1 writes with.
const (
	FlowOpportunityToSalesOrder = "opportunity_to_salesorder"
	FlowAccountToCustomer       = "account_to_customer"
)

// Flow F1: a won Salesforce opportunity becomes a NetSuite sales order.

// SalesforceAPI is what the flows need of Salesforce; *salesforce.Client
// implements it.
type SalesforceAPI interface {
	Query(ctx context.Context, soql string) ([]salesforce.Record, error)
	Update(ctx context.Context, object, id string, fields map[string]any) error
}

// NetSuiteAPI is what the flows need of NetSuite; *netsuite.Client
// implements it.
type NetSuiteAPI interface {
	GetRecord(ctx context.Context, recordType, id string, opt *netsuite.GetOptions) (netsuite.Record, error)
	UpsertRecord(ctx context.Context, recordType, externalID string, body any, opt *netsuite.WriteOptions) (string, error)
}

// SalesOrderDeps is what the F1 handler needs.
type SalesOrderDeps struct {
	Salesforce SalesforceAPI
	NetSuite   NetSuiteAPI
	Finder     mapping.Finder     // answers the mappings' lookups
	Rates      mapping.RateSource // answers convert(); nil = the exchange_rates table
	Echo       *EchoGuard
	Redis      redis.UniversalClient // per-opportunity locks
	Order      *mapping.Mapping      // opportunity_to_salesorder
	Customer   *mapping.Mapping      // account_to_customer
	Logger     *slog.Logger
}

// NewSalesOrderHandler returns the F1 job handler. Running it twice leaves
// the same state as running it once: both writes are upserts keyed by
// external ids, and the write-back only happens when values differ.
func NewSalesOrderHandler(d SalesOrderDeps) asynq.HandlerFunc {
	return func(ctx context.Context, t *asynq.Task) error {
		ch, err := decodeChange(t)
		if err != nil {
			return err
		}
		ctx = logging.WithCorrelation(ctx, ch.CorrelationID)
		return classify(salesOrderFlow{d}.run(ctx, ch.RecordID))
	}
}

type salesOrderFlow struct{ SalesOrderDeps }

func (f salesOrderFlow) run(ctx context.Context, oppID string) error {
	unlock, err := recordLock(ctx, f.Redis, "tandem:f1:{"+sfID15(oppID)+"}:lock", "opportunity "+oppID)
	if err != nil {
		return err
	}
	defer unlock()
	opp, err := f.loadOpportunity(ctx, oppID)
	if err != nil {
		return err
	}
	if !opp.Bool("IsWon") {
		f.Logger.InfoContext(ctx, "opportunity not won; nothing to do", "opportunity", oppID, "stage", opp.String("StageName"))
		return nil
	}
	sess := &mapping.Session{Finder: f.Finder, Rates: f.Rates}
	// Map the order once before writing anything, so a deal that cannot
	// become an order (a product without an item) writes no customer either.
	if _, err := f.Order.Apply(ctx, sess, opp, map[string]any{"customerId": "pending"}); err != nil {
		return err
	}
	customerID, err := f.ensureCustomer(ctx, sess, opp)
	if err != nil {
		return err
	}
	order, err := f.Order.Apply(ctx, sess, opp, map[string]any{"customerId": customerID})
	if err != nil {
		return err
	}
	memo, err := f.writeSalesOrder(ctx, SalesOrderExternalID(oppID), order)
	if err != nil {
		return err
	}
	return f.writeBack(ctx, opp, memo)
}

// SalesOrderExternalID is the NetSuite external id of an opportunity's
// sales order.
func SalesOrderExternalID(oppID string) string { return "SFOPP-" + oppID }

func (f salesOrderFlow) loadOpportunity(ctx context.Context, id string) (salesforce.Record, error) {
	reads := newReadList("Id", "Name", "StageName", "IsWon", "AccountId",
		"NetSuite_Sales_Order_Id__c", "NetSuite_Sales_Order_Number__c", "Account.NetSuite_Id__c")
	reads.addReads("", f.Order.Reads())
	reads.addReads("Account.", f.Customer.Reads())
	recs, err := f.Salesforce.Query(ctx, reads.soql("Opportunity", byID(id)))
	if err != nil {
		return nil, fmt.Errorf("reading opportunity %s: %w", id, err)
	}
	if len(recs) == 0 {
		return nil, &PermanentError{Msg: fmt.Sprintf("opportunity %s not found in Salesforce (deleted?)", id)}
	}
	return recs[0], nil
}

// ensureCustomer returns the NetSuite customer of the opportunity's
// account: the one its NetSuite_Id__c names, else the one upserted by
// external id = the Account id, whose internal id is then written back.
func (f salesOrderFlow) ensureCustomer(ctx context.Context, sess *mapping.Session, opp salesforce.Record) (string, error) {
	if id := opp.String("Account.NetSuite_Id__c"); id != "" {
		return id, nil
	}
	accountID := opp.String("AccountId")
	if accountID == "" {
		return "", &PermanentError{Msg: fmt.Sprintf("opportunity %s has no account", opp.String("Id"))}
	}
	account, _ := opp["Account"].(map[string]any)
	body, err := f.Customer.Apply(ctx, sess, account, nil)
	if err != nil {
		return "", err
	}
	id, err := f.NetSuite.UpsertRecord(ctx, "customer", accountID, body, nil)
	if err != nil {
		return "", fmt.Errorf("upserting customer for account %s: %w", accountID, err)
	}
	if id == "" {
		if id, err = f.internalID(ctx, "customer", accountID); err != nil {
			return "", err
		}
	}
	if err := f.Salesforce.Update(ctx, "Account", accountID, map[string]any{"NetSuite_Id__c": id}); err != nil {
		return "", fmt.Errorf("writing NetSuite_Id__c %s back to account %s: %w", id, accountID, err)
	}
	return id, nil
}

// writeSalesOrder upserts the order unless NetSuite already holds exactly
// this payload from Tandem's last write, and returns its id and number.
func (f salesOrderFlow) writeSalesOrder(ctx context.Context, externalID string, order map[string]any) (WriteMemo, error) {
	target := "netsuite:salesOrder:" + externalID
	hash, err := PayloadHash(order)
	if err != nil {
		return WriteMemo{}, err
	}
	last, ok, err := f.Echo.Last(ctx, target)
	if err != nil {
		return WriteMemo{}, err
	}
	if ok && last.Hash == hash {
		noteEcho(ctx)
		f.Logger.InfoContext(ctx, "sales order unchanged since Tandem wrote it; no write", "external_id", externalID, "sales_order", last.ID)
		return last, nil
	}
	id, err := f.NetSuite.UpsertRecord(ctx, "salesOrder", externalID, order, &netsuite.WriteOptions{Replace: f.Order.Sublists()})
	if err != nil {
		return WriteMemo{}, fmt.Errorf("upserting sales order %s: %w", externalID, err)
	}
	if id == "" {
		id = netsuite.ExternalID(externalID)
	}
	so, err := f.NetSuite.GetRecord(ctx, "salesOrder", id, &netsuite.GetOptions{Fields: []string{"tranId"}})
	if err != nil {
		return WriteMemo{}, fmt.Errorf("reading back sales order %s: %w", externalID, err)
	}
	memo := WriteMemo{Hash: hash, ID: so.String("id"), Number: so.String("tranId")}
	if memo.ID == "" {
		memo.ID = id
	}
	f.Logger.InfoContext(ctx, "sales order written", "external_id", externalID, "sales_order", memo.ID, "number", memo.Number)
	return memo, f.Echo.Remember(ctx, target, memo)
}

// writeBack stores the sales order's id and number on the opportunity,
// only when they differ: an unchanged write-back would trigger another
// Outbound Message for nothing.
func (f salesOrderFlow) writeBack(ctx context.Context, opp salesforce.Record, so WriteMemo) error {
	want := map[string]any{}
	if opp.String("NetSuite_Sales_Order_Id__c") != so.ID {
		want["NetSuite_Sales_Order_Id__c"] = so.ID
	}
	if so.Number != "" && opp.String("NetSuite_Sales_Order_Number__c") != so.Number {
		want["NetSuite_Sales_Order_Number__c"] = so.Number
	}
	if len(want) == 0 {
		return nil
	}
	if err := f.Salesforce.Update(ctx, "Opportunity", opp.String("Id"), want); err != nil {
		return fmt.Errorf("writing sales order %s back to opportunity %s: %w", so.ID, opp.String("Id"), err)
	}
	return nil
}

func (f salesOrderFlow) internalID(ctx context.Context, recordType, externalID string) (string, error) {
	rec, err := f.NetSuite.GetRecord(ctx, recordType, netsuite.ExternalID(externalID), &netsuite.GetOptions{Fields: []string{"id"}})
	if err != nil {
		return "", fmt.Errorf("reading %s %s back: %w", recordType, externalID, err)
	}
	return rec.String("id"), nil
}
