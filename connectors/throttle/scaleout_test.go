package throttle_test

import (
	"testing"

	"github.com/tandem-sync/tandem/internal/testredis"
)

// The throttles on a three-node Redis Cluster and on a Sentinel-watched
// master, each process with its own client: every script touches one key,
// so one hash slot.
func TestThrottlesOnRedisCluster(t *testing.T) {
	throttlesOn(t, testredis.StartCluster(t, 3))
}

func TestThrottlesOnRedisSentinel(t *testing.T) {
	throttlesOn(t, testredis.StartSentinel(t))
}

func throttlesOn(t *testing.T, d testredis.Deployment) {
	t.Run("semaphore never admits more than its limit", func(t *testing.T) {
		semaphoreNeverAdmitsMoreThanLimit(t, d.NewClient(t), d.NewClient(t))
	})
	t.Run("rate admits the burst, then throttles", func(t *testing.T) {
		rateAdmitsBurstThenThrottles(t, d.NewClient(t), d.NewClient(t))
	})
}
