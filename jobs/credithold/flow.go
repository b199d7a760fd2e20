// Package credithold is the flow that tells Salesforce when NetSuite puts
// a customer on credit hold (F5): the linked Account gets Credit_Hold__c
// and Credit_Hold_Reason__c, and its owner gets one Task per hold episode
// (episode.go), completed or commented on release. When a customer is on
// hold is decided by the rules file (credit_hold.yaml), not in Go.
//
// A job names a customer, or a transaction (invoice, payment, credit memo, refund)
// whose customer's standing may have moved. Every job re-reads the
// customer's standing, so the job is idempotent: replays, re-sends and the
// periodic sweep's re-enqueues write nothing when nothing moved.
package credithold

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/jobs"
)

// SalesforceAPI is what the flow needs of Salesforce; *salesforce.Client
// implements it.
type SalesforceAPI interface {
	jobs.SalesforceAPI
	Create(ctx context.Context, object string, fields map[string]any) (string, error)
}

// Options are the flow's own settings.
type Options struct {
	RulesFile string // TANDEM_CREDIT_HOLD_RULES; "" = the shipped credit_hold.yaml
}

// Flow registers the flow with the worker: it handles jobs.TypeCreditHold.
func Flow(o Options) jobs.Flow {
	return jobs.Flow{Name: "credithold", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
		rules, err := LoadRules(o.RulesFile)
		if err != nil {
			return nil, err
		}
		return map[string]asynq.Handler{jobs.TypeCreditHold: NewHandler(Deps{
			Salesforce: d.Salesforce, NetSuite: d.NetSuite, Redis: d.Redis, Rules: rules, Logger: d.Logger,
		})}, nil
	}}
}

// Deps is what the handler needs.
type Deps struct {
	Salesforce SalesforceAPI
	NetSuite   jobs.NetSuiteAPI
	Redis      redis.UniversalClient // locks and episode state
	Rules      *Rules
	Logger     *slog.Logger
	Now        func() time.Time // the Task's due date counts from it; nil = time.Now
}

// NewHandler returns the job handler.
func NewHandler(d Deps) asynq.HandlerFunc {
	if d.Now == nil {
		d.Now = time.Now
	}
	return jobs.ChangeHandler(func(ctx context.Context, ch jobs.Change) error {
		f := holdFlow{Deps: d, eps: episodes{d.Redis}}
		customerID, err := f.customerOf(ctx, ch)
		if err != nil || customerID == "" {
			return err
		}
		return f.run(ctx, customerID)
	})
}

type holdFlow struct {
	Deps
	eps episodes
}

// customerOf is the customer a change is about: the record itself, or a
// transaction's customer ("" when a deleted transaction named none).
func (f holdFlow) customerOf(ctx context.Context, ch jobs.Change) (string, error) {
	field := map[string]string{"customer": "", "invoice": "entity", "creditmemo": "entity", "customerpayment": "customer",
		"customerrefund": "customer"}
	name, ok := field[strings.ToLower(ch.Object)]
	switch {
	case !ok:
		return "", &jobs.PermanentError{Msg: fmt.Sprintf("credit hold: no customer in a %s change", ch.Object)}
	case name == "":
		return ch.RecordID, nil
	}
	if id, _ := ch.Values[name].(string); id != "" { // the webhook's field value, saving a read
		return id, nil
	}
	rec, err := f.NetSuite.GetRecord(ctx, ch.Object, ch.RecordID, nil)
	if errors.Is(err, connectors.ErrNotFound) {
		f.Logger.InfoContext(ctx, "credit hold: transaction gone and its customer unknown; skipped", "type", ch.Object, "id", ch.RecordID)
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading %s %s for its customer: %w", ch.Object, ch.RecordID, err)
	}
	return rec.Ref(name).ID, nil
}

func (f holdFlow) run(ctx context.Context, customerID string) error {
	unlock, err := jobs.RecordLock(ctx, f.Redis, lockKey(customerID), "customer "+customerID+" credit hold")
	if err != nil {
		return err
	}
	defer unlock()
	customer, err := f.NetSuite.GetRecord(ctx, "customer", customerID, nil)
	if errors.Is(err, connectors.ErrNotFound) {
		f.Logger.InfoContext(ctx, "credit hold: customer not in NetSuite; skipped", "customer", customerID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading customer %s's credit standing: %w", customerID, err)
	}
	facts := factsOf(customerName(customer), customerID, standingOf(customer))
	d := f.Rules.Decide(standingOf(customer), facts)
	facts.Reason = d.Reason
	// Most invoice and payment events leave the standing as it was: when
	// the decision equals the one last written in full, Salesforce is not
	// asked at all. (An Account's hold fields edited by hand in Salesforce
	// are set right again at the next change of decision.)
	if ep, err := f.eps.load(ctx, customerID); err != nil || ep.Applied == decisionMemo(d.Hold, d.Reason) {
		return err
	}
	acct, err := f.account(ctx, customerID)
	if err != nil || acct == nil {
		return err
	}
	if d.Hold {
		return f.hold(ctx, acct, facts)
	}
	return f.release(ctx, acct, facts)
}

func customerName(c netsuite.Record) string {
	for _, field := range []string{"companyName", "entityId"} {
		if s := c.String(field); s != "" {
			return s
		}
	}
	return strings.TrimSpace(c.String("firstName") + " " + c.String("lastName"))
}
