package accountsync

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/internal/testredis"
)

func TestPairStateRoundTrip(t *testing.T) {
	pairStateRoundTrip(t, testredis.New(t).Client)
}

func pairStateRoundTrip(t *testing.T, rdb redis.UniversalClient) {
	ps := pairStore{rdb: rdb, kind: "account_customer"}
	ctx := context.Background()
	st, err := ps.load(ctx, "0015e000000001AAAQ")
	if err != nil || len(st.Base) != 0 || !st.SFModified.IsZero() {
		t.Fatalf("fresh pair: %+v %v", st, err)
	}
	want := pairState{Base: groupValues{"name": "h1", "web": "h2"}, SFModified: time.Unix(1795772400, 0).UTC(), NSModified: time.Unix(1795772401, 0).UTC()}
	if err := ps.save(ctx, "0015e000000001AAAQ", want); err != nil {
		t.Fatal(err)
	}
	// The 15-character id names the same pair.
	got, err := ps.load(ctx, "0015e000000001A")
	if err != nil || got.Base["name"] != "h1" || got.Base["web"] != "h2" || !got.SFModified.Equal(want.SFModified) || !got.NSModified.Equal(want.NSModified) {
		t.Fatalf("loaded %+v %v", got, err)
	}
	if ttl := rdb.TTL(ctx, ps.key("0015e000000001AAAQ")).Val(); ttl <= 0 || ttl > PairStateTTL {
		t.Errorf("TTL %s", ttl)
	}
	// Saving replaces groups that are gone.
	if err := ps.save(ctx, "0015e000000001AAAQ", pairState{Base: groupValues{"name": "h3"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ps.load(ctx, "0015e000000001AAAQ"); len(got.Base) != 1 {
		t.Errorf("stale groups kept: %+v", got.Base)
	}
}

func TestPairLockSerialises(t *testing.T) {
	pairLockSerialises(t, testredis.New(t).Client)
}

func pairLockSerialises(t *testing.T, rdb redis.UniversalClient) {
	ps := pairStore{rdb: rdb, kind: "account_customer"}
	ctx := context.Background()
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := ps.lock(ctx, "0015e000000001AAAQ")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			inside.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d jobs held the pair lock at once", most.Load())
	}
	unlock, err := ps.lock(ctx, "0015e000000001AAAQ")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := ps.lock(short, "0015e000000001AAAQ"); err == nil || connectors.IsThrottle(err) {
		t.Fatalf("a cancelled wait returned %v, want the context's error", err)
	}
}

func TestPairStateKeepsPendingWrites(t *testing.T) {
	db := testredis.New(t)
	ps := pairStore{rdb: db.Client, kind: "contact"}
	ctx := context.Background()
	st := pairState{Base: groupValues{"person": "h0"}, Pending: map[string]pendingWrite{"person": {Target: SideNetSuite, Hash: "h1"}}}
	if err := ps.save(ctx, "0035e000000001AAAQ", st); err != nil {
		t.Fatal(err)
	}
	got, err := ps.load(ctx, "0035e000000001AAAQ")
	if err != nil || got.Pending["person"] != (pendingWrite{Target: SideNetSuite, Hash: "h1"}) {
		t.Fatalf("loaded %+v %v", got, err)
	}
	if err := ps.save(ctx, "0035e000000001AAAQ", pairState{Base: groupValues{"person": "h1"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ps.load(ctx, "0035e000000001AAAQ"); len(got.Pending) != 0 {
		t.Errorf("the final save must clear pending writes: %+v", got.Pending)
	}
}
