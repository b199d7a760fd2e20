package accountsync

import (
	"testing"

	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// TestPairStateOnScaledOutRedis runs the pair state and pair lock checks
// on a three-node Redis Cluster and on a master watched by Sentinels,
// opened through REDIS_URL as Tandem opens it. Each deployment is fresh,
// and the two checks touch different keys.
func TestPairStateOnScaledOutRedis(t *testing.T) {
	for _, d := range []struct {
		name  string
		start func(t *testing.T) testredis.Deployment
	}{
		{"cluster", func(t *testing.T) testredis.Deployment { return testredis.StartCluster(t, 3) }},
		{"sentinel", func(t *testing.T) testredis.Deployment { return testredis.StartSentinel(t) }},
	} {
		t.Run(d.name, func(t *testing.T) {
			r, err := jobs.OpenRedis(d.start(t).URL())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(r.Close)
			pairStateRoundTrip(t, r.Client)
			pairLockSerialises(t, r.Client)
		})
	}
}
