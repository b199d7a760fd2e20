package throttle_test

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors/throttle"
	"github.com/tandem-sync/tandem/internal/testredis"
)

func TestConstructorsRejectBadConfig(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: testredis.Addr()})
	defer rdb.Close()
	newSem := func(cfg throttle.SemaphoreConfig) error { _, err := throttle.NewSemaphore(rdb, cfg); return err }
	newRate := func(cfg throttle.RateConfig) error { _, err := throttle.NewRate(rdb, cfg); return err }
	for name, err := range map[string]error{
		"semaphore without key":    newSem(throttle.SemaphoreConfig{System: "netsuite", Limit: 1}),
		"semaphore without system": newSem(throttle.SemaphoreConfig{Key: slotsKey, Limit: 1}),
		"semaphore limit 0":        newSem(throttle.SemaphoreConfig{Key: slotsKey, System: "netsuite"}),
		"rate without key":         newRate(throttle.RateConfig{System: "salesforce", Rate: 1}),
		"rate without system":      newRate(throttle.RateConfig{Key: rateKey, Rate: 1}),
		"rate 0":                   newRate(throttle.RateConfig{Key: rateKey, System: "salesforce"}),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
