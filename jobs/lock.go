package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/connectors"
)

// Record locks serialise the jobs of one record: a Salesforce and a
// NetSuite change of the same pair, or a re-send and a replay of the same
// deal, arriving at once would otherwise both read, decide and write.
const (
	recordLockTTL  = 2 * time.Minute
	recordLockWait = 5 * time.Second
)

var unlockScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// RecordLock takes the lock at key, waiting up to recordLockWait; past
// that the job is retried later without counting a failure. what names
// the record in errors.
func RecordLock(ctx context.Context, rdb redis.UniversalClient, key, what string) (unlock func(), err error) {
	deadline := time.Now().Add(recordLockWait)
	for {
		unlock, ok, err := TryLock(ctx, rdb, key, recordLockTTL)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", what, err)
		}
		if ok {
			return unlock, nil
		}
		if time.Now().After(deadline) {
			return nil, &connectors.ThrottleError{System: "tandem", Reason: "another job is syncing " + what, Wait: time.Second}
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(fmt.Errorf("waiting for the lock of %s", what), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TryLock takes the lock at key for at most ttl without waiting; ok is
// false when another holder has it. unlock releases it only while it is
// still this holder's (a lock that expired and was taken over is left).
func TryLock(ctx context.Context, rdb redis.UniversalClient, key string, ttl time.Duration) (unlock func(), ok bool, err error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	if ok, err = rdb.SetNX(ctx, key, token, ttl).Result(); err != nil || !ok {
		return nil, false, err
	}
	return func() { unlockScript.Run(context.WithoutCancel(ctx), rdb, []string{key}, token) }, true, nil
}

// SalesforceID15 is the case-sensitive 15-character form of a Salesforce
// id: lock and state keys use it so both spellings name one record.
func SalesforceID15(id string) string {
	if len(id) == 18 {
		return id[:15]
	}
	return id
}
