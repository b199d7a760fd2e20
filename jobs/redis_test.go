package jobs

import (
	"fmt"
	"strings"
	"testing"
)

// TestOpenRedisMatchesTheURLForm: each REDIS_URL form gets asynq's option
// and the go-redis client for that deployment (nothing is dialled yet).
func TestOpenRedisMatchesTheURLForm(t *testing.T) {
	for url, want := range map[string]string{
		"redis://127.0.0.1:6379/3": "asynq.RedisClientOpt *redis.Client",
		"redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/3?master=tandem": "asynq.RedisFailoverClientOpt *redis.Client",
		"redis-cluster://127.0.0.1:7000,127.0.0.1:7001":                    "asynq.RedisClusterClientOpt *redis.ClusterClient",
	} {
		r, err := OpenRedis(url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if got := fmt.Sprintf("%T %T", r.Asynq, r.Client); got != want {
			t.Errorf("%s: %s, want %s", url, got, want)
		}
		r.Close()
	}
	if _, err := OpenRedis("redis-sentinel://127.0.0.1:26379"); err == nil || !strings.HasPrefix(err.Error(), "parsing REDIS_URL: ") {
		t.Errorf("a sentinel URL without master: %v, want an error naming REDIS_URL", err)
	}
}
