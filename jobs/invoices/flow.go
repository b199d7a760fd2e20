package invoices

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/mapping"
)

// Mapping files the flow writes with.
const (
	MappingInvoice = "invoice_to_salesforce"
	MappingPayment = "payment_to_salesforce"
)

// SalesforceAPI is what the flow needs of Salesforce; *salesforce.Client
// implements it.
type SalesforceAPI interface {
	jobs.SalesforceAPI
	Upsert(ctx context.Context, object, extField, extID string, fields map[string]any) (salesforce.UpsertResult, error)
	UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, allOrNone bool) ([]salesforce.UpsertResult, error)
	Delete(ctx context.Context, object, id string) error
	Composite(ctx context.Context, subs []salesforce.Subrequest) ([]salesforce.SubResponse, error)
}

// NetSuiteAPI is what the flow needs of NetSuite; *netsuite.Client
// implements it.
type NetSuiteAPI interface {
	GetRecord(ctx context.Context, recordType, id string, opt *netsuite.GetOptions) (netsuite.Record, error)
	SuiteQLAll(ctx context.Context, query string, params []any) ([]netsuite.Row, error)
}

// Flow registers the flow with the worker: it handles
// jobs.TypeInvoiceToSalesforce and jobs.TypePaymentToSalesforce.
func Flow() jobs.Flow { return jobs.Flow{Name: "invoices", Handlers: handlers} }

func handlers(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
	invoice, err := d.Mappings.Mapping(MappingInvoice)
	if err != nil {
		return nil, fmt.Errorf("mappings: %w", err)
	}
	payment, err := d.Mappings.Mapping(MappingPayment)
	if err != nil {
		return nil, fmt.Errorf("mappings: %w", err)
	}
	deps := Deps{Salesforce: d.Salesforce, NetSuite: d.NetSuite, Finder: d.Finder, Rates: d.Rates,
		Redis: d.Redis, Invoice: invoice, Payment: payment, Logger: d.Logger}
	return map[string]asynq.Handler{
		jobs.TypeInvoiceToSalesforce: NewInvoiceHandler(deps),
		jobs.TypePaymentToSalesforce: NewPaymentHandler(deps),
	}, nil
}

// Deps is what the handlers need.
type Deps struct {
	Salesforce SalesforceAPI
	NetSuite   NetSuiteAPI
	Finder     mapping.Finder
	Rates      mapping.RateSource
	Redis      redis.UniversalClient // write memos, per-customer locks
	Invoice    *mapping.Mapping      // invoice_to_salesforce
	Payment    *mapping.Mapping      // payment_to_salesforce
	Clock      func() time.Time      // today, for days overdue; nil = time.Now
	Logger     *slog.Logger
}

// NewInvoiceHandler returns the handler of invoice changes.
func NewInvoiceHandler(d Deps) asynq.HandlerFunc {
	return jobs.ChangeHandler(func(ctx context.Context, ch jobs.Change) error {
		return newFlow(d).syncInvoice(ctx, ch.RecordID)
	})
}

// NewPaymentHandler returns the handler of customer payment and credit
// memo changes.
func NewPaymentHandler(d Deps) asynq.HandlerFunc {
	return jobs.ChangeHandler(func(ctx context.Context, ch jobs.Change) error {
		return newFlow(d).syncPayment(ctx, ch.Object, ch.RecordID)
	})
}

type flow struct {
	Deps
	memos *jobs.EchoGuard
}

func newFlow(d Deps) flow {
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return flow{Deps: d, memos: jobs.NewEchoGuard(d.Redis)}
}

// today is the date days overdue count to; UTC, as the NetSuite sandbox
// dates (NetSuite itself uses the account's time zone).
func (f flow) today() string { return f.Clock().UTC().Format(time.DateOnly) }
