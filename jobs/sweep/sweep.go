package sweep

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/jobs"
)

// PageSize is the rows of one keyset page: NetSuite's largest SuiteQL page.
const PageSize = netsuite.MaxSuiteQLPage

// DefaultSettle is how long after its second a row's lastmodifieddate is
// taken as final: lastmodifieddate counts whole seconds, so until its
// second is over (plus room for NetSuite's and Redis's clocks to differ)
// another save may land in it and look like the version already swept.
const DefaultSettle = 2 * time.Second

// DefaultLookback is how far back the first sweep of a record type looks
// when no watermark is stored yet.
const DefaultLookback = 24 * time.Hour

// NetSuiteAPI is what the sweep needs of NetSuite; *netsuite.Client
// implements it.
type NetSuiteAPI interface {
	SuiteQL(ctx context.Context, query string, params []any, fn func(netsuite.Row) error) error
}

// Enqueuer stores jobs; *jobs.Enqueuer implements it.
type Enqueuer interface {
	EnqueueAll(ctx context.Context, js []jobs.Incoming) (dups int, err error)
}

// Config is what a Sweeper sweeps and from where.
type Config struct {
	AccountID   string        // NetSuite account id: task ids and watermark keys
	RecordTypes []string      // nil = DefaultRecordTypes
	Lookback    time.Duration // first sweep with no watermark: now minus this; 0 = DefaultLookback
	Now         func() time.Time
	// Settle: a row modified less than this before the end of its second,
	// by the run's start, is not settled yet (see version); 0 = DefaultSettle.
	Settle time.Duration
	// Clock tells a run's start; nil = Redis's clock (TIME), one clock for
	// every worker process.
	Clock func(ctx context.Context) (time.Time, error)
}

// Sweeper runs sweeps: Run is one on demand.
type Sweeper struct {
	ns    NetSuiteAPI
	enq   Enqueuer
	marks watermarks
	cfg   Config
	log   *slog.Logger
}

// NewSweeper returns a Sweeper reading ns, storing jobs with enq and its
// watermarks in rdb.
func NewSweeper(ns NetSuiteAPI, enq Enqueuer, rdb redis.UniversalClient, cfg Config, log *slog.Logger) *Sweeper {
	if cfg.RecordTypes == nil {
		cfg.RecordTypes = DefaultRecordTypes
	}
	if cfg.Lookback <= 0 {
		cfg.Lookback = DefaultLookback
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Settle <= 0 {
		cfg.Settle = DefaultSettle
	}
	if cfg.Clock == nil {
		cfg.Clock = func(ctx context.Context) (time.Time, error) { return rdb.Time(ctx).Result() }
	}
	if log == nil {
		log = slog.Default()
	}
	return &Sweeper{ns: ns, enq: enq, marks: watermarks{redis: rdb, account: cfg.AccountID}, cfg: cfg, log: log}
}

// Counts is what one sweep of one record type did.
type Counts struct {
	RecordType string
	Pages      int
	Rows       int
	Enqueued   int // jobs newly stored
	Duplicates int // jobs already stored (an earlier sweep of the same version)
	Watermark  string
	Skipped    string // why the type was not swept ("" when it was)
}

// Report is what one sweep did, per record type.
type Report []Counts

// Run sweeps every configured record type once. A type's error does not
// stop the others; the errors are joined.
func (s *Sweeper) Run(ctx context.Context) (Report, error) {
	started, err := s.cfg.Clock(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the clock for a netsuite sweep: %w", err)
	}
	var report Report
	var errs []error
	for _, rt := range s.cfg.RecordTypes {
		c, err := s.sweepType(ctx, rt, started.UTC())
		report = append(report, c)
		s.logCounts(ctx, c, err)
		if err != nil {
			errs = append(errs, fmt.Errorf("sweeping NetSuite %s: %w", rt, err))
		}
	}
	return report, errors.Join(errs...)
}

func (s *Sweeper) logCounts(ctx context.Context, c Counts, err error) {
	if c.Skipped != "" {
		s.log.DebugContext(ctx, "netsuite sweep skipped a record type", "record_type", c.RecordType, "reason", c.Skipped)
		return
	}
	args := []any{"record_type", c.RecordType, "pages", c.Pages, "rows", c.Rows, "enqueued", c.Enqueued,
		"duplicates", c.Duplicates, "watermark", c.Watermark}
	if err != nil {
		s.log.ErrorContext(ctx, "netsuite sweep failed; the watermark stays at the last stored page", append(args, "error", err)...)
		return
	}
	s.log.InfoContext(ctx, "netsuite sweep", args...)
}

// sweepType pages through one record type's changes since its watermark.
func (s *Sweeper) sweepType(ctx context.Context, recordType string, started time.Time) (Counts, error) {
	c := Counts{RecordType: recordType}
	taskTypes := jobs.NetSuiteTaskTypes(recordType)
	src, known := sourceOf(recordType)
	switch {
	case len(taskTypes) == 0:
		c.Skipped = "no flow reads this record type yet"
		return c, nil
	case !known:
		c.Skipped = "no SuiteQL source for this record type"
		return c, nil
	}
	mark, err := s.startMark(ctx, recordType)
	if err != nil {
		return c, err
	}
	c.Watermark = mark
	query, params := src.firstPage(), []any{mark}
	for {
		rows, err := s.page(ctx, query, params)
		if err != nil {
			return c, err
		}
		if len(rows) == 0 {
			return c, nil
		}
		if err := s.store(ctx, recordType, taskTypes, rows, started, &c); err != nil {
			return c, err
		}
		last := rows[len(rows)-1]
		if err := s.marks.set(ctx, recordType, last.modified); err != nil {
			return c, err
		}
		c.Watermark = last.modified
		if len(rows) < PageSize {
			return c, nil
		}
		query, params = src.nextPage(), []any{last.modified, last.modified, last.id}
	}
}

// startMark is the stored watermark, or (first sweep) now minus the
// look-back, stored at once so later sweeps start there too.
func (s *Sweeper) startMark(ctx context.Context, recordType string) (string, error) {
	mark, ok, err := s.marks.get(ctx, recordType)
	if err != nil || ok {
		return mark, err
	}
	mark = s.cfg.Now().UTC().Add(-s.cfg.Lookback).Format(time.RFC3339)
	return mark, s.marks.set(ctx, recordType, mark)
}

// row is one changed record: its id and lastmodifieddate (timestampFormat).
type row struct{ id, modified string }

// errPageFull stops the client before it asks for the next offset page:
// a keyset page is the first PageSize rows of its query.
var errPageFull = errors.New("keyset page full")

func (s *Sweeper) page(ctx context.Context, query string, params []any) ([]row, error) {
	var rows []row
	err := s.ns.SuiteQL(ctx, query, params, func(r netsuite.Row) error {
		rows = append(rows, row{id: r.String("id"), modified: r.String("modified")})
		if len(rows) == PageSize {
			return errPageFull
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPageFull) {
		return nil, fmt.Errorf("reading a page of changes: %w", err)
	}
	return rows, nil
}

// store enqueues every flow's job for every row of a page, in one round
// trip. The task id names the record version, so a second sweep of an
// unchanged, settled record is a duplicate.
func (s *Sweeper) store(ctx context.Context, recordType string, taskTypes []string, rows []row, started time.Time, c *Counts) error {
	batch := make([]jobs.Incoming, 0, len(rows)*len(taskTypes))
	now := s.cfg.Now().UTC()
	for _, r := range rows {
		modified, _ := time.Parse(time.RFC3339, r.modified)
		v := version(r.modified, modified, started, s.cfg.Settle)
		ch := jobs.Change{Source: jobs.SourceNetSuiteSweep, OrgID: s.cfg.AccountID, Object: recordType, RecordID: r.id,
			EventID: v, LastModified: modified, ReceivedAt: now, CorrelationID: "sweep-" + r.id + "-" + r.modified}
		for _, tt := range taskTypes {
			batch = append(batch, jobs.Incoming{Type: tt, ID: jobs.EventTaskID(tt, "ns", s.cfg.AccountID, r.id, v), Change: ch})
		}
	}
	dups, err := s.enq.EnqueueAll(ctx, batch)
	if err != nil {
		return fmt.Errorf("storing the jobs of %d changed records: %w", len(rows), err)
	}
	c.Pages++
	c.Rows += len(rows)
	c.Enqueued += len(batch) - dups
	c.Duplicates += dups
	return nil
}

// version names a swept record version in its task id: its
// lastmodifieddate, a whole second. While that second is not settled (it
// ends less than settle before the run started) a later save in it would
// look the same, so the run's start is added: the next run re-reads the
// row (the watermark's second is read again) and makes a new job. The
// flows are idempotent, so the extra job of an unchanged row writes
// nothing.
func version(mark string, modified, started time.Time, settle time.Duration) string {
	if modified.IsZero() || modified.Add(time.Second+settle).After(started) {
		return "sweep:" + mark + "@" + strconv.FormatInt(started.UnixMilli(), 10)
	}
	return "sweep:" + mark
}
