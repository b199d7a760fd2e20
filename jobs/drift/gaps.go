package drift

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// The Pub/Sub subscriber records each replay gap (a stored replay id past
// the event bus's retention) as a JSON entry of gapsKey
// (connectors/salesforce/pubsub, Gaps). A full audit of the account and
// contact pairs heals whatever such a gap lost, so a run that audited
// them all marks the gaps it saw covered, in coveredKey: the entry as
// stored -> GapCover.
const (
	gapsKey    = "tandem:pubsub:gaps"
	coveredKey = "tandem:pubsub:gaps:covered"
)

// GapCover says which audit run covered a Pub/Sub gap.
type GapCover struct {
	RunID     string    `json:"run_id"`
	CoveredAt time.Time `json:"covered_at"`
}

// pendingGaps are the recorded gaps not covered yet, as stored. Read
// before the run's reads: a gap recorded later may predate them.
func pendingGaps(ctx context.Context, rdb redis.UniversalClient) ([]string, error) {
	raws, err := rdb.LRange(ctx, gapsKey, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("reading the Pub/Sub gaps: %w", err)
	}
	if len(raws) == 0 {
		return nil, nil
	}
	covered, err := rdb.HMGet(ctx, coveredKey, raws...).Result()
	if err != nil {
		return nil, fmt.Errorf("reading which Pub/Sub gaps are covered: %w", err)
	}
	var out []string
	for i, raw := range raws {
		if covered[i] == nil {
			out = append(out, raw)
		}
	}
	return out, nil
}

// markGapsCovered marks gaps covered by a run, and forgets the covers of
// gaps the subscriber's list no longer holds (it keeps the newest 100).
func markGapsCovered(ctx context.Context, rdb redis.UniversalClient, gaps []string, runID string) error {
	cover, _ := json.Marshal(GapCover{RunID: runID, CoveredAt: time.Now().UTC()})
	fields := make(map[string]any, len(gaps))
	for _, g := range gaps {
		fields[g] = cover
	}
	if err := rdb.HSet(ctx, coveredKey, fields).Err(); err != nil {
		return fmt.Errorf("marking %d Pub/Sub gaps covered: %w", len(gaps), err)
	}
	return pruneCovers(ctx, rdb)
}

func pruneCovers(ctx context.Context, rdb redis.UniversalClient) error {
	raws, err := rdb.LRange(ctx, gapsKey, 0, -1).Result()
	if err != nil {
		return fmt.Errorf("reading the Pub/Sub gaps: %w", err)
	}
	listed := make(map[string]bool, len(raws))
	for _, r := range raws {
		listed[r] = true
	}
	keys, err := rdb.HKeys(ctx, coveredKey).Result()
	if err != nil {
		return fmt.Errorf("reading the Pub/Sub gap covers: %w", err)
	}
	var stale []string
	for _, k := range keys {
		if !listed[k] {
			stale = append(stale, k)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	return rdb.HDel(ctx, coveredKey, stale...).Err()
}

// GapCovers are the covers of the recorded Pub/Sub gaps, by the gap's
// entry as stored in tandem:pubsub:gaps (for /admin to show which are
// healed).
func GapCovers(ctx context.Context, rdb redis.UniversalClient) (map[string]GapCover, error) {
	m, err := rdb.HGetAll(ctx, coveredKey).Result()
	if err != nil {
		return nil, fmt.Errorf("reading the Pub/Sub gap covers: %w", err)
	}
	out := make(map[string]GapCover, len(m))
	for k, v := range m {
		var c GapCover
		if json.Unmarshal([]byte(v), &c) == nil {
			out[k] = c
		}
	}
	return out, nil
}
