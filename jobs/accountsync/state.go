package accountsync

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/jobs"
)

// PairStateTTL is how long Tandem remembers what a linked pair last agreed
// on. Past it, the next change is merged as a first sync (master, then
// later modification): safe, only less precise.
const PairStateTTL = 30 * 24 * time.Hour

// pairState is what both sides of a pair last agreed on.
type pairState struct {
	Base       groupValues
	SFModified time.Time // the Salesforce record's LastModifiedDate at that sync
	NSModified time.Time // the NetSuite record's lastModifiedDate at that sync
	NSID       string    // the NetSuite twin, to find it after the Salesforce record is deleted
	// Pending are writes decided but not yet known to have landed, per
	// group: saved before writing, cleared after. A crash in between
	// leaves them, and the next run checks whether the target holds the
	// value (see settlePending).
	Pending map[string]pendingWrite
}

// pendingWrite is a value Tandem set out to write to one side.
type pendingWrite struct {
	Target Side
	Hash   string
}

// pairStore keeps pair states and locks in Redis.
type pairStore struct {
	rdb  redis.UniversalClient
	kind string // e.g. "account_customer"
}

func (p pairStore) key(sfID string) string {
	return fmt.Sprintf("tandem:f2:%s:{%s}", p.kind, jobs.SalesforceID15(sfID))
}

func (p pairStore) load(ctx context.Context, sfID string) (pairState, error) {
	st := pairState{Base: groupValues{}}
	m, err := p.rdb.HGetAll(ctx, p.key(sfID)).Result()
	if err != nil {
		return st, fmt.Errorf("reading sync state of %s %s: %w", p.kind, sfID, err)
	}
	for k, v := range m {
		switch {
		case strings.HasPrefix(k, "g:"):
			st.Base[k[2:]] = v
		case k == "sf_at":
			st.SFModified, _ = time.Parse(time.RFC3339Nano, v)
		case k == "ns_at":
			st.NSModified, _ = time.Parse(time.RFC3339Nano, v)
		case k == "ns_id":
			st.NSID = v
		case strings.HasPrefix(k, "p:"):
			side, hash, _ := strings.Cut(v, ":")
			if st.Pending == nil {
				st.Pending = map[string]pendingWrite{}
			}
			st.Pending[k[2:]] = pendingWrite{Target: Side(side), Hash: hash}
		}
	}
	return st, nil
}

func (p pairStore) save(ctx context.Context, sfID string, st pairState) error {
	fields := make(map[string]any, len(st.Base)+2)
	for g, h := range st.Base {
		fields["g:"+g] = h
	}
	fields["sf_at"] = st.SFModified.UTC().Format(time.RFC3339Nano)
	fields["ns_at"] = st.NSModified.UTC().Format(time.RFC3339Nano)
	if st.NSID != "" {
		fields["ns_id"] = st.NSID
	}
	for g, w := range st.Pending {
		fields["p:"+g] = string(w.Target) + ":" + w.Hash
	}
	key := p.key(sfID)
	_, err := p.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Del(ctx, key)
		pipe.HSet(ctx, key, fields)
		pipe.Expire(ctx, key, PairStateTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("storing sync state of %s %s: %w", p.kind, sfID, err)
	}
	return nil
}

// lock takes the pair's lock (see RecordLock).
func (p pairStore) lock(ctx context.Context, sfID string) (unlock func(), err error) {
	return jobs.RecordLock(ctx, p.rdb, p.key(sfID)+":lock", p.kind+" "+sfID)
}
