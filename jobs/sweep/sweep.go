package sweep

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/jobs"
)

// PageSize is the rows of one keyset page: NetSuite's largest SuiteQL page.
const PageSize = netsuite.MaxSuiteQLPage

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
	var report Report
	var errs []error
	for _, rt := range s.cfg.RecordTypes {
		c, err := s.sweepType(ctx, rt)
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
func (s *Sweeper) sweepType(ctx context.Context, recordType string) (Counts, error) {
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
		if err := s.store(ctx, recordType, taskTypes, rows, &c); err != nil {
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
// unchanged record is a duplicate.
func (s *Sweeper) store(ctx context.Context, recordType string, taskTypes []string, rows []row, c *Counts) error {
	batch := make([]jobs.Incoming, 0, len(rows)*len(taskTypes))
	now := s.cfg.Now().UTC()
	for _, r := range rows {
		modified, _ := time.Parse(time.RFC3339, r.modified)
		ch := jobs.Change{Source: jobs.SourceNetSuiteSweep, OrgID: s.cfg.AccountID, Object: recordType, RecordID: r.id,
			EventID: "sweep:" + r.modified, LastModified: modified, ReceivedAt: now, CorrelationID: "sweep-" + r.id + "-" + r.modified}
		for _, tt := range taskTypes {
			batch = append(batch, jobs.Incoming{Type: tt, ID: jobs.EventTaskID(tt, "ns", s.cfg.AccountID, r.id, "sweep:"+r.modified), Change: ch})
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
