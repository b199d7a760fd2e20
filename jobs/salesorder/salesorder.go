// Package salesorder is the flow that makes a won Salesforce opportunity
// a NetSuite sales order (with its account as the customer, created when
// it has none yet), and writes the order's id and number back.
package salesorder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// Mapping files the flow writes with.
const (
	MappingOrder    = "opportunity_to_salesorder"
	MappingCustomer = "account_to_customer"
)

// Flow registers the flow with the worker: it handles
// jobs.TypeOpportunityToSalesOrder.
func Flow() jobs.Flow { return jobs.Flow{Name: "salesorder", Handlers: handlers} }

func handlers(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
	order, err := d.Mappings.Mapping(MappingOrder)
	if err != nil {
		return nil, fmt.Errorf("mappings: %w", err)
	}
	customer, err := d.Mappings.Mapping(MappingCustomer)
	if err != nil {
		return nil, fmt.Errorf("mappings: %w", err)
	}
	return map[string]asynq.Handler{jobs.TypeOpportunityToSalesOrder: NewHandler(Deps{
		Salesforce: d.Salesforce, NetSuite: d.NetSuite, Finder: d.Finder, Rates: d.Rates,
		Echo: jobs.NewEchoGuard(d.Redis), Redis: d.Redis, Order: order, Customer: customer, Logger: d.Logger,
	})}, nil
}

// Deps is what the handler needs.
type Deps struct {
	Salesforce jobs.SalesforceAPI
	NetSuite   jobs.NetSuiteAPI
	Finder     mapping.Finder     // answers the mappings' lookups
	Rates      mapping.RateSource // answers convert(); nil = the exchange_rates table
	Echo       *jobs.EchoGuard
	Redis      redis.UniversalClient // per-opportunity locks
	Order      *mapping.Mapping      // opportunity_to_salesorder
	Customer   *mapping.Mapping      // account_to_customer
	Logger     *slog.Logger
}

// NewHandler returns the job handler. Running it twice leaves the same
// state as running it once: both writes are upserts keyed by external ids,
// and the write-back only happens when values differ.
func NewHandler(d Deps) asynq.HandlerFunc {
	return jobs.ChangeHandler(func(ctx context.Context, ch jobs.Change) error {
		// A drift audit's job comes because NetSuite no longer holds what
		// Tandem last wrote: the write memo must not skip the write.
		err := salesOrderFlow{d}.run(ctx, ch.RecordID, ch.Source == jobs.SourceDriftAudit)
		if errors.Is(err, errOpportunityGone) && ch.ChangeType == jobs.ChangeDelete {
			// Deleted before its notification was delivered: a sales order
			// already made stays, as NetSuite keeps what was sold.
			d.Logger.InfoContext(ctx, "opportunity deleted before its notification arrived; nothing to do", "opportunity", ch.RecordID)
			return nil
		}
		return err
	})
}

type salesOrderFlow struct{ Deps }

func (f salesOrderFlow) run(ctx context.Context, oppID string, rewrite bool) error {
	unlock, err := jobs.RecordLock(ctx, f.Redis, "tandem:f1:{"+jobs.SalesforceID15(oppID)+"}:lock", "opportunity "+oppID)
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
	memo, err := f.writeSalesOrder(ctx, ExternalID(oppID), order, rewrite)
	if err != nil {
		return err
	}
	return f.writeBack(ctx, opp, memo)
}

// OpportunitySOQL reads opportunities as the flow reads one: what the
// order and customer mappings read, the link fields, and where.
func OpportunitySOQL(order, customer *mapping.Mapping, where string) string {
	reads := jobs.NewReadList("Id", "Name", "StageName", "IsWon", "AccountId",
		"NetSuite_Sales_Order_Id__c", "NetSuite_Sales_Order_Number__c", "Account.NetSuite_Id__c")
	reads.AddReads("", order.Reads())
	reads.AddReads("Account.", customer.Reads())
	return reads.SOQL("Opportunity", where)
}

// errOpportunityGone marks an opportunity that is not in Salesforce.
var errOpportunityGone = errors.New("not found in Salesforce (deleted?)")

// ExternalID is the NetSuite external id of an opportunity's sales order.
func ExternalID(oppID string) string { return "SFOPP-" + oppID }

func (f salesOrderFlow) loadOpportunity(ctx context.Context, id string) (salesforce.Record, error) {
	recs, err := f.Salesforce.Query(ctx, OpportunitySOQL(f.Order, f.Customer, jobs.ByID(id)))
	if err != nil {
		return nil, fmt.Errorf("reading opportunity %s: %w", id, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("opportunity %s %w%w", id, errOpportunityGone, &jobs.PermanentError{}) // permanent, same text
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
		return "", &jobs.PermanentError{Msg: fmt.Sprintf("opportunity %s has no account", opp.String("Id"))}
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
// this payload from Tandem's last write (rewrite: it is known not to), and
// returns its id and number. The upsert is by external id either way: one
// order per opportunity.
func (f salesOrderFlow) writeSalesOrder(ctx context.Context, externalID string, order map[string]any, rewrite bool) (jobs.WriteMemo, error) {
	target := "netsuite:salesOrder:" + externalID
	hash, err := jobs.PayloadHash(order)
	if err != nil {
		return jobs.WriteMemo{}, err
	}
	last, ok, err := f.Echo.Last(ctx, target)
	if err != nil {
		return jobs.WriteMemo{}, err
	}
	if ok && last.Hash == hash && !rewrite {
		jobs.NoteEcho(ctx)
		f.Logger.InfoContext(ctx, "sales order unchanged since Tandem wrote it; no write", "external_id", externalID, "sales_order", last.ID)
		return last, nil
	}
	id, err := f.NetSuite.UpsertRecord(ctx, "salesOrder", externalID, order, &netsuite.WriteOptions{Replace: f.Order.Sublists()})
	if err != nil {
		return jobs.WriteMemo{}, fmt.Errorf("upserting sales order %s: %w", externalID, err)
	}
	if id == "" {
		id = netsuite.ExternalID(externalID)
	}
	so, err := f.NetSuite.GetRecord(ctx, "salesOrder", id, &netsuite.GetOptions{Fields: []string{"tranId"}})
	if err != nil {
		return jobs.WriteMemo{}, fmt.Errorf("reading back sales order %s: %w", externalID, err)
	}
	memo := jobs.WriteMemo{Hash: hash, ID: so.String("id"), Number: so.String("tranId")}
	if memo.ID == "" {
		memo.ID = id
	}
	f.Logger.InfoContext(ctx, "sales order written", "external_id", externalID, "sales_order", memo.ID, "number", memo.Number)
	return memo, f.Echo.Remember(ctx, target, memo)
}

// writeBack stores the sales order's id and number on the opportunity,
// only when they differ: an unchanged write-back would trigger another
// Outbound Message for nothing.
func (f salesOrderFlow) writeBack(ctx context.Context, opp salesforce.Record, so jobs.WriteMemo) error {
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
