// Package onboarding is the flow that onboards a new customer (issue 14):
// when NetSuite confirms a customer (its status's stage or id is one the
// trigger names) that is linked to a Salesforce Account, Salesforce gets
// one Onboarding__c record under the Account (and the won Opportunity
// whose sales order made the customer), a customer success manager
// assigned by rule or round-robin, the task sequence as Tasks on the
// record, and a note to the Account's owner. onboarding.yaml says all of
// it; none of it is in Go.
//
// Exactly once per customer: jobs of one customer hold its record lock;
// the record is upserted by the customer id (NetSuite_Customer_Id__c);
// each Task carries a key (onboarding:<customer>:<step>) looked up before
// creating; the manager's round-robin slot is drawn once per customer in
// Redis; and once all is written, a note in Redis makes every later job
// of the customer (a re-send, a replay, the sweep) return at once.
package onboarding

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
)

// SalesforceAPI is what the flow needs of Salesforce; *salesforce.Client
// implements it.
type SalesforceAPI interface {
	jobs.SalesforceAPI
	Upsert(ctx context.Context, object, extField, extID string, fields map[string]any) (salesforce.UpsertResult, error)
	Composite(ctx context.Context, subs []salesforce.Subrequest) ([]salesforce.SubResponse, error)
}

// Options are the flow's own settings.
type Options struct {
	RulesFile string // TANDEM_ONBOARDING_RULES; "" = the shipped onboarding.yaml
	// Off leaves onboarding off (live mode without a rules file: the
	// shipped file names the sandbox's users); its jobs then do nothing.
	Off bool
}

// Flow registers the flow with the worker: it handles jobs.TypeOnboarding.
// The config is checked at start-up, its user ids against Salesforce.
func Flow(o Options) jobs.Flow {
	return jobs.Flow{Name: "onboarding", Handlers: func(d jobs.FlowDeps) (map[string]asynq.Handler, error) {
		if o.Off {
			if d.Logger != nil {
				d.Logger.Warn("onboarding off: TANDEM_ONBOARDING_RULES is unset in live mode (the shipped file names sandbox users)")
			}
			return map[string]asynq.Handler{jobs.TypeOnboarding: jobs.ChangeHandler(func(context.Context, jobs.Change) error { return nil })}, nil
		}
		cfg, err := LoadConfig(o.RulesFile)
		if err != nil {
			return nil, err
		}
		if d.Salesforce != nil {
			ctx, cancel := context.WithTimeout(d.Ctx(), 30*time.Second)
			defer cancel()
			warnings, err := CheckUsers(ctx, d.Salesforce, cfg)
			switch {
			case errors.Is(err, ErrUsersUnread):
				// Salesforce down at start-up does not stop the worker;
				// jobs read the users again and fail (and retry) meanwhile.
				d.Logger.WarnContext(ctx, "onboarding: managers not checked at start-up", "error", err)
			case err != nil:
				return nil, err
			}
			for _, w := range warnings {
				d.Logger.WarnContext(ctx, "onboarding: "+w)
			}
		}
		deps := Deps{Config: cfg, Redis: d.Redis, Logger: d.Logger}
		if d.Salesforce != nil {
			deps.Salesforce = d.Salesforce
		}
		if d.NetSuite != nil {
			deps.NetSuite = d.NetSuite
		}
		return map[string]asynq.Handler{jobs.TypeOnboarding: NewHandler(deps)}, nil
	}}
}

// Deps is what the handler needs.
type Deps struct {
	Salesforce SalesforceAPI
	NetSuite   jobs.NetSuiteAPI
	Redis      redis.UniversalClient // locks, slots, the done note
	Config     *Config
	Logger     *slog.Logger
	Now        func() time.Time // the onboarding's start date; nil = time.Now
}

// NewHandler returns the job handler.
func NewHandler(d Deps) asynq.HandlerFunc {
	f := newFlow(d)
	return jobs.ChangeHandler(func(ctx context.Context, ch jobs.Change) error {
		if ch.ChangeType == jobs.ChangeDelete {
			return nil
		}
		return f.run(ctx, ch.RecordID)
	})
}

type flow struct {
	Deps
	users    *users
	statuses *statusCache
}

func newFlow(d Deps) *flow {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &flow{Deps: d, users: &users{sf: d.Salesforce, ids: d.Config.allManagers()},
		statuses: &statusCache{ns: d.NetSuite, byID: map[string]cachedStage{}}}
}

// State in Redis, one hash per customer: done holds the Onboarding__c id
// once the record, its sequence and the note are all written.
func stateKey(customerID string) string { return "tandem:onboarding:{" + customerID + "}" }

func lockKey(customerID string) string { return stateKey(customerID) + ":lock" }

// Started is the Onboarding__c id of a customer once its onboarding is
// fully written; "" before.
func Started(ctx context.Context, rdb redis.UniversalClient, customerID string) (string, error) {
	id, err := rdb.HGet(ctx, stateKey(customerID), "done").Result()
	if err == redis.Nil {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the onboarding state of customer %s: %w", customerID, err)
	}
	return id, nil
}

// ErrNotLinked: the customer is confirmed but no Account is linked to it
// yet. The job is retried with the usual back-off (counted, so a customer
// that never reaches Salesforce ends archived and visible) until F2 links
// it, which normally happens within the first retries.
var ErrNotLinked = errors.New("confirmed customer has no linked Salesforce Account yet; retrying later")

func (f *flow) run(ctx context.Context, customerID string) error {
	if done, err := Started(ctx, f.Redis, customerID); err != nil || done != "" {
		return err
	}
	unlock, err := jobs.RecordLock(ctx, f.Redis, lockKey(customerID), "customer "+customerID+" onboarding")
	if err != nil {
		return err
	}
	defer unlock()
	if done, err := Started(ctx, f.Redis, customerID); err != nil || done != "" {
		return err
	}
	p, err := f.plan(ctx, customerID, false)
	if err != nil || p.Skip != "" {
		if p.Skip != "" {
			f.Logger.InfoContext(ctx, "onboarding: nothing to start", "customer", customerID, "why", p.Skip)
		}
		return err
	}
	id, err := f.write(ctx, p)
	if err != nil {
		return err
	}
	if err := f.Redis.HSet(ctx, stateKey(customerID), "done", id).Err(); err != nil {
		return fmt.Errorf("recording the onboarding of customer %s: %w", customerID, err)
	}
	f.Logger.InfoContext(ctx, "onboarding started", "customer", customerID, "onboarding", id, "manager", p.Manager.ID,
		"assigned_by", p.AssignedBy, "tasks_created", p.created)
	return nil
}

// stageTTL is how long a customer status's stage is trusted (statuses are
// setup data that hardly change).
const stageTTL = 10 * time.Minute

type cachedStage struct {
	stage string
	at    time.Time
}

// statusCache reads customerstatus records' stage, briefly cached.
type statusCache struct {
	ns   jobs.NetSuiteAPI
	mu   sync.Mutex
	byID map[string]cachedStage
}

func (s *statusCache) stage(ctx context.Context, id string) (string, error) {
	s.mu.Lock()
	c, ok := s.byID[id]
	s.mu.Unlock()
	if ok && time.Since(c.at) < stageTTL {
		return c.stage, nil
	}
	rec, err := s.ns.GetRecord(ctx, "customerstatus", id, nil)
	if err != nil {
		return "", fmt.Errorf("reading customer status %s for its stage: %w", id, err)
	}
	stage := strings.ToUpper(rec.Ref("stage").ID)
	s.mu.Lock()
	s.byID[id] = cachedStage{stage: stage, at: time.Now()}
	s.mu.Unlock()
	return stage, nil
}

// confirmed reads whether the customer is confirmed, and its name.
func (f *flow) confirmed(ctx context.Context, p *Plan) error {
	c, err := f.NetSuite.GetRecord(ctx, "customer", p.CustomerID, nil)
	if errors.Is(err, connectors.ErrNotFound) {
		p.Skip = "customer not in NetSuite"
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading customer %s's status: %w", p.CustomerID, err)
	}
	p.Customer = customerName(c)
	status := c.Ref("entityStatus")
	p.Status = status.RefName
	if status.ID == "" {
		p.Skip = "customer has no status (entityStatus)"
		return nil
	}
	if p.Stage, err = f.statuses.stage(ctx, status.ID); err != nil {
		return err
	}
	if !f.Config.confirms(status.ID, p.Stage) {
		p.Skip = fmt.Sprintf("status %s (%s, stage %s) does not confirm a customer", status.ID, status.RefName, p.Stage)
	}
	return nil
}

func customerName(c netsuite.Record) string {
	for _, field := range []string{"companyName", "entityId"} {
		if s := c.String(field); s != "" {
			return s
		}
	}
	return strings.TrimSpace(c.String("firstName") + " " + c.String("lastName"))
}
