package main

import (
	"testing"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// TestClosedWonOverSentinelAcrossAFailover runs the whole process on a
// Sentinel REDIS_URL: a deal won before and one won after the master
// crashes each become exactly one sales order.
func TestClosedWonOverSentinelAcrossAFailover(t *testing.T) {
	t.Parallel()
	s := testredis.StartSentinel(t)
	h := startTandem(t, "REDIS_URL", s.URL())
	h.inspector.Close() // the harness looks at the Sentinel set-up, not its default database
	h.inspector = sentinelInspector(t, s.URL())
	opps := h.openOpportunities(2)

	wonOneSalesOrder := func(opp map[string]any) {
		t.Helper()
		oppID := str(opp, "Id")
		h.closeWon(oppID)
		h.waitFor("the sales order of "+oppID, func() bool { return len(h.salesOrders(oppID)) > 0 })
		h.settle()
		if n := len(h.salesOrders(oppID)); n != 1 {
			t.Errorf("%d sales orders for %s, want 1", n, oppID)
		}
	}
	wonOneSalesOrder(opps[0])
	s.Failover(t)
	wonOneSalesOrder(opps[1])
	if n := len(h.archived()); n != 0 {
		t.Errorf("%d archived jobs", n)
	}
}

func sentinelInspector(t *testing.T, url string) *asynq.Inspector {
	t.Helper()
	r, err := jobs.OpenRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return asynq.NewInspectorFromRedisClient(r.Client)
}
