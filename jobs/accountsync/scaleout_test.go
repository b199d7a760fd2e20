package accountsync

import (
	"testing"

	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// Pair state and the pair lock on a three-node Redis Cluster and on a
// master watched by Sentinels, opened through REDIS_URL as Tandem opens
// it: the checks that run on the machine's Redis, on a fresh deployment
// (they touch different keys, so they need no flush between them).
func TestPairStateOnRedisCluster(t *testing.T) { pairsOnDeployment(t, testredis.StartCluster(t, 3)) }

func TestPairStateOnRedisSentinel(t *testing.T) { pairsOnDeployment(t, testredis.StartSentinel(t)) }

func pairsOnDeployment(t *testing.T, d testredis.Deployment) {
	r, err := jobs.OpenRedis(d.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	t.Run("pair state", func(t *testing.T) { pairStateRoundTrip(t, r.Client) })
	t.Run("pair lock", func(t *testing.T) { pairLockSerialises(t, r.Client) })
}
