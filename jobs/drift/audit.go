package drift

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/invoices"
	"github.com/tandem-sync/tandem/mapping"
)

// PageSize is the linked records judged together: one SuiteQL query reads
// a page's NetSuite twins (an IN list of at most 1,000 ids).
const PageSize = netsuite.MaxSuiteQLPage

// DefaultKeep is how many differences a run's report keeps.
const DefaultKeep = 100

// SalesforceAPI is what the audit needs of Salesforce; *salesforce.Client
// implements it.
type SalesforceAPI interface {
	jobs.SalesforceAPI
	QueryEach(ctx context.Context, soql string, fn func(salesforce.Record) error) error
}

// NetSuiteAPI is what the audit needs of NetSuite; *netsuite.Client
// implements it.
type NetSuiteAPI interface {
	SuiteQL(ctx context.Context, query string, params []any, fn func(netsuite.Row) error) error
	invoices.NetSuiteAPI // the invoice pair reads as the invoice job does
}

// Enqueuer stores jobs; *jobs.Enqueuer implements it.
type Enqueuer interface {
	EnqueueAll(ctx context.Context, js []jobs.Incoming) (dups int, err error)
}

// Observer counts pairs found differing and healed, by pair type (a
// Prometheus counter); *metrics.Metrics implements it.
type Observer interface {
	DriftFound(pair string, n int)
	DriftHealed(pair string, n int)
}

// Config is what an audit does.
type Config struct {
	AccountID string // NetSuite account id: heal jobs' task ids
	OrgID     string // Salesforce org id: heal jobs' task ids; "" = "org"
	Heal      bool   // enqueue the sync job of each differing pair; false = report only
	Keep      int    // differences kept in the report; 0 = DefaultKeep
	PageSize  int    // 0 = PageSize
}

// Deps is what an audit reads and writes with.
type Deps struct {
	Salesforce SalesforceAPI
	NetSuite   NetSuiteAPI
	Finder     mapping.Finder
	Rates      mapping.RateSource
	Mappings   *mapping.Set
	Rules      accountsync.SyncRules
	Enqueuer   Enqueuer
	Redis      redis.UniversalClient
	Observer   Observer // nil: not counted
	Logger     *slog.Logger
}

// Auditor runs audits: Run is one.
type Auditor struct {
	Deps
	cfg   Config
	pairs []pairAudit
}

// pairAudit is how one pair type is read and judged.
type pairAudit interface {
	pairName() string
	sfObject() string
	linkField() string // the Salesforce field holding the NetSuite twin's internal id
	linkedSOQL() string
	// readTwins reads a page's NetSuite twins (SuiteQL, by internal id).
	readTwins(ctx context.Context, ns NetSuiteAPI, page []salesforce.Record) (twins, error)
	// finder answers the page's lookups, in bulk where it can.
	finder(ctx context.Context, fallback mapping.Finder, sf SalesforceAPI, t twins) mapping.Finder
	judge(ctx context.Context, sess *mapping.Session, sf salesforce.Record, row netsuite.Row, t twins) (accountsync.Judgement, error)
	// healTask is the task type and object of a change job of the pair's
	// record on side from.
	healTask(from accountsync.Side, row netsuite.Row) (taskType, object string)
}

// NewAuditor builds the audit of every pair type it knows.
func NewAuditor(d Deps, cfg Config) (*Auditor, error) {
	if d.Salesforce == nil || d.NetSuite == nil || d.Redis == nil || d.Mappings == nil || d.Enqueuer == nil {
		return nil, errors.New("the drift audit needs Salesforce, NetSuite, Redis, the mappings and an enqueuer")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	if cfg.PageSize <= 0 || cfg.PageSize > PageSize {
		cfg.PageSize = PageSize
	}
	if cfg.OrgID == "" {
		cfg.OrgID = "org"
	}
	a := &Auditor{Deps: d, cfg: cfg}
	for _, def := range twoWayPairs {
		p, err := newTwoWayPair(def, d)
		if err != nil {
			return nil, fmt.Errorf("drift audit of %s: %w", def.name, err)
		}
		a.pairs = append(a.pairs, p)
	}
	items, err := newItemPair(d.Mappings)
	if err != nil {
		return nil, fmt.Errorf("drift audit of %s: %w", PairItemProduct, err)
	}
	a.pairs = append(a.pairs, items)
	inv, err := newInvoicePair(d)
	if err != nil {
		return nil, fmt.Errorf("drift audit of %s: %w", PairInvoice, err)
	}
	a.pairs = append(a.pairs, inv)
	orders, err := newSalesOrderPair(d.Mappings)
	if err != nil {
		return nil, fmt.Errorf("drift audit of %s: %w", PairSalesOrder, err)
	}
	a.pairs = append(a.pairs, orders)
	return a, nil
}

// Run audits every pair type once and stores its report as the last run.
// A pair type's error does not stop the others; the errors are joined and
// said in the report. Pub/Sub gaps recorded before the run are marked
// covered when every account and contact pair was audited.
func (a *Auditor) Run(ctx context.Context) (*Report, error) {
	started := time.Now().UTC()
	r := newReport(started, a.cfg.Heal, a.cfg.Keep)
	gaps, gapsErr := pendingGaps(ctx, a.Redis)
	var errs []error
	for _, p := range a.pairs {
		if err := a.auditPair(ctx, p, r); err != nil {
			errs = append(errs, fmt.Errorf("drift audit of %s pairs: %w", p.pairName(), err))
		}
	}
	switch {
	case gapsErr != nil:
		errs = append(errs, gapsErr)
	case len(errs) == 0 && len(gaps) > 0:
		if err := markGapsCovered(ctx, a.Redis, gaps, r.RunID); err != nil {
			errs = append(errs, err)
		} else {
			r.GapsCovered = len(gaps)
		}
	}
	err := errors.Join(errs...)
	r.finish(err)
	if serr := saveReport(ctx, a.Redis, r); serr != nil {
		err = errors.Join(err, serr)
	}
	a.log(ctx, r, err)
	return r, err
}

func (a *Auditor) log(ctx context.Context, r *Report, err error) {
	for _, p := range r.Pairs {
		a.Logger.InfoContext(ctx, "drift audit", "pair", p.Pair, "compared", p.Compared, "differing", p.Differing,
			"healed", p.Healed, "missing", p.Missing, "failed", p.Failed)
	}
	if err != nil {
		a.Logger.ErrorContext(ctx, "drift audit failed", "error", err)
	}
}

// auditPair pages through the linked records of one pair type.
func (a *Auditor) auditPair(ctx context.Context, p pairAudit, r *Report) error {
	counts := r.pair(p.pairName())
	page := make([]salesforce.Record, 0, a.cfg.PageSize)
	flush := func() error {
		defer func() { page = page[:0] }()
		return a.auditPage(ctx, p, page, r, counts)
	}
	err := a.Salesforce.QueryEach(ctx, p.linkedSOQL(), func(rec salesforce.Record) error {
		page = append(page, rec)
		if len(page) < a.cfg.PageSize {
			return nil
		}
		return flush()
	})
	if err != nil {
		return fmt.Errorf("reading linked %s records: %w", p.sfObject(), err)
	}
	if len(page) > 0 {
		return flush()
	}
	return nil
}

// auditPage judges one page of pairs and enqueues their heal jobs in one
// round trip.
func (a *Auditor) auditPage(ctx context.Context, p pairAudit, page []salesforce.Record, r *Report, counts *PairCounts) error {
	twins, err := p.readTwins(ctx, a.NetSuite, page)
	if err != nil {
		return err
	}
	sess := &mapping.Session{Finder: p.finder(ctx, a.Finder, a.Salesforce, twins), Rates: a.Rates}
	name := p.pairName()
	var heal []jobs.Incoming
	found := 0
	for _, sf := range page {
		sfID, nsID := sf.String("Id"), sf.String(p.linkField())
		counts.Compared++
		ns, ok := twins.rows[nsID]
		if !ok {
			counts.Missing++
			continue
		}
		j, err := p.judge(ctx, sess, sf, ns, twins)
		if err != nil {
			// One record the mapping refuses (an ambiguous lookup, say)
			// must not stop the audit of the others.
			counts.Failed++
			a.Logger.WarnContext(ctx, "drift audit could not judge a pair", "pair", name, "salesforce_id", sfID, "netsuite_id", nsID, "error", err)
			continue
		}
		if len(j.Differences) == 0 {
			continue
		}
		found++
		counts.Differing++
		for _, d := range j.Differences {
			r.add(Difference{Pair: name, SalesforceID: sfID, NetSuiteID: nsID, Field: d.Field,
				Salesforce: d.Salesforce, NetSuite: d.NetSuite, Right: string(d.Right), Why: d.Why})
		}
		if a.cfg.Heal {
			heal = append(heal, a.healJob(p, r.RunID, j.HealFrom, sfID, ns, r.Started))
		}
	}
	if a.Observer != nil && found > 0 {
		a.Observer.DriftFound(name, found)
	}
	if len(heal) == 0 {
		return nil
	}
	dups, err := a.Enqueuer.EnqueueAll(ctx, heal)
	if err != nil {
		return fmt.Errorf("storing the sync jobs of %d drifted %s pairs: %w", len(heal), name, err)
	}
	counts.Healed += len(heal) - dups
	if a.Observer != nil {
		a.Observer.DriftHealed(name, len(heal)-dups)
	}
	return nil
}

// healJob is the job a change of the pair's record on side from would
// make (the webhook's or the change event's task type), so the flow
// merges the pair and writes the side that is wrong.
func (a *Auditor) healJob(p pairAudit, runID string, from accountsync.Side, sfID string, row netsuite.Row, at time.Time) jobs.Incoming {
	version := "drift:" + runID
	taskType, object := p.healTask(from, row)
	ch := jobs.Change{Source: jobs.SourceDriftAudit, Object: object, EventID: version, ChangeType: jobs.ChangeUpdate, ReceivedAt: at}
	system, scope := "sf", a.cfg.OrgID
	ch.OrgID, ch.RecordID = a.cfg.OrgID, sfID
	if from == accountsync.SideNetSuite {
		system, scope = "ns", a.cfg.AccountID
		ch.OrgID, ch.RecordID = a.cfg.AccountID, row.String("id")
	}
	ch.CorrelationID = "drift-" + runID + "-" + ch.RecordID
	return jobs.Incoming{Type: taskType, ID: jobs.EventTaskID(taskType, system, scope, ch.RecordID, version), Change: ch}
}

// runID names a run by its start, for task ids and the report.
func runID(started time.Time) string { return strconv.FormatInt(started.UnixMilli(), 10) }
