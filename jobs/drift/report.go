package drift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// lastRunKey holds the last run's report as JSON.
const lastRunKey = "tandem:drift:last"

// Report is what one audit run found and did.
type Report struct {
	RunID       string        `json:"run_id"`
	Started     time.Time     `json:"started"`
	Ended       time.Time     `json:"ended"`
	Heal        bool          `json:"heal"`
	Error       string        `json:"error,omitempty"`
	Pairs       []*PairCounts `json:"pairs"`
	GapsCovered int           `json:"pubsub_gaps_covered"`
	// Differences are the first Keep differences found, in the order found.
	Differences []Difference `json:"differences"`
	// MoreDifferences counts those found past the first Keep.
	MoreDifferences int `json:"more_differences"`
	keep            int
}

// PairCounts are a run's counts for one pair type.
type PairCounts struct {
	Pair      string `json:"pair"`
	Compared  int    `json:"compared"`  // linked pairs read
	Differing int    `json:"differing"` // pairs with at least one differing field
	Healed    int    `json:"healed"`    // sync jobs newly stored for them
	Missing   int    `json:"missing"`   // linked Salesforce records whose NetSuite twin was not found
	Failed    int    `json:"failed"`    // pairs that could not be judged (a mapping error; see the log)
}

// Difference is one field of one pair whose two values differ.
type Difference struct {
	Pair         string `json:"pair"`
	SalesforceID string `json:"salesforce_id"`
	NetSuiteID   string `json:"netsuite_id"`
	Field        string `json:"field"` // the Salesforce field (values compared in Salesforce's field space)
	Salesforce   any    `json:"salesforce"`
	NetSuite     any    `json:"netsuite"` // the NetSuite value through the pair's mapping
	Right        string `json:"right"`    // salesforce or netsuite: the side the sync rules say is right
	Why          string `json:"why"`
}

func newReport(started time.Time, heal bool, keep int) *Report {
	return &Report{RunID: runID(started), Started: started, Heal: heal, Pairs: []*PairCounts{}, Differences: []Difference{}, keep: keep}
}

func (r *Report) pair(name string) *PairCounts {
	c := &PairCounts{Pair: name}
	r.Pairs = append(r.Pairs, c)
	return c
}

func (r *Report) add(d Difference) {
	if len(r.Differences) < r.keep {
		r.Differences = append(r.Differences, d)
		return
	}
	r.MoreDifferences++
}

func (r *Report) finish(err error) {
	r.Ended = time.Now().UTC()
	if err != nil {
		r.Error = err.Error()
	}
}

// Counts is the counts of a pair type; zero when the run has none.
func (r *Report) Counts(pair string) PairCounts {
	for _, c := range r.Pairs {
		if c.Pair == pair {
			return *c
		}
	}
	return PairCounts{Pair: pair}
}

func saveReport(ctx context.Context, rdb redis.UniversalClient, r *Report) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encoding the drift report: %w", err)
	}
	if err := rdb.Set(ctx, lastRunKey, b, 0).Err(); err != nil {
		return fmt.Errorf("storing the drift report: %w", err)
	}
	return nil
}

// LastRun is the report of the last audit run; nil before the first.
func LastRun(ctx context.Context, rdb redis.UniversalClient) (*Report, error) {
	b, err := rdb.Get(ctx, lastRunKey).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the last drift report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decoding the last drift report: %w", err)
	}
	return &r, nil
}
