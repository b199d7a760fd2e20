// Package testredis gives each test its own database on a real Redis
// server, so tests in different packages can run at the same time without
// seeing each other's keys, and starts throwaway Redis Clusters and
// Sentinel set-ups (StartCluster, StartSentinel) for scale-out tests.
//
// The server is TANDEM_TEST_REDIS_ADDR (default 127.0.0.1:6379); `make
// test` (scripts/test.sh) starts a throwaway one when none answers there.
// Databases 1 to 15 are handed out; database 0 holds the reservations and
// is never flushed. A reservation is a key with a short TTL kept alive
// while the test runs, so a killed test run frees its databases within a
// minute.
package testredis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

const (
	firstDB        = 1
	lastDB         = 15
	reservationTTL = 60 * time.Second
	waitForDB      = 3 * time.Minute
)

// Addr is the address of the Redis server tests use.
func Addr() string {
	if a := os.Getenv("TANDEM_TEST_REDIS_ADDR"); a != "" {
		return a
	}
	return "127.0.0.1:6379"
}

// DB is one reserved, flushed Redis database.
type DB struct {
	Addr   string
	Number int
	Client *redis.Client
}

// Deployment is a Redis set-up a test runs against: a Cluster or a
// Sentinel set-up.
type Deployment interface {
	// URL is the set-up as a REDIS_URL value.
	URL() string
	// NewClient opens a connection pool of its own, as another process
	// would; it is closed when the test ends.
	NewClient(t testing.TB) redis.UniversalClient
}

// URL is the database as a REDIS_URL value.
func (d *DB) URL() string { return fmt.Sprintf("redis://%s/%d", d.Addr, d.Number) }

// AsynqOpt is the database as an asynq connection option.
func (d *DB) AsynqOpt() asynq.RedisClientOpt {
	return asynq.RedisClientOpt{Addr: d.Addr, DB: d.Number}
}

// New reserves a database for the rest of the test, flushes it and closes
// and frees it when the test ends. The test fails if no Redis answers.
func New(t testing.TB) *DB {
	t.Helper()
	ctx := context.Background()
	addr := Addr()
	admin := redis.NewClient(&redis.Options{Addr: addr, DB: 0})
	if err := admin.Ping(ctx).Err(); err != nil {
		admin.Close()
		t.Fatalf("tests need a Redis server at %s (set TANDEM_TEST_REDIS_ADDR, or run them with scripts/test.sh, which starts one): %v", addr, err)
	}
	owner := fmt.Sprintf("%d-%d", os.Getpid(), rand.Int64())
	deadline := time.Now().Add(waitForDB)
	for {
		for _, n := range rand.Perm(lastDB - firstDB + 1) {
			db := firstDB + n
			key := "tandem-test:db:" + strconv.Itoa(db)
			ok, err := admin.SetNX(ctx, key, owner, reservationTTL).Result()
			if err != nil {
				admin.Close()
				t.Fatalf("reserving a Redis database: %v", err)
			}
			if ok {
				return open(t, admin, addr, db, key, owner)
			}
		}
		if time.Now().After(deadline) {
			admin.Close()
			t.Fatalf("no free Redis database on %s after %s", addr, waitForDB)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func open(t testing.TB, admin *redis.Client, addr string, db int, key, owner string) *DB {
	ctx := context.Background()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // keep the reservation alive while the test runs
		defer close(done)
		tick := time.NewTicker(reservationTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				admin.Expire(ctx, key, reservationTTL)
			}
		}
	}()
	client := redis.NewClient(&redis.Options{Addr: addr, DB: db})
	if err := client.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("flushing Redis database %d: %v", db, err)
	}
	t.Cleanup(func() {
		client.Close()
		close(stop)
		<-done
		// Free the database only if it is still ours.
		if v, _ := admin.Get(ctx, key).Result(); v == owner {
			admin.Del(ctx, key)
		}
		admin.Close()
	})
	return &DB{Addr: addr, Number: db, Client: client}
}

// ClientFor opens a go-redis client on an asynq connection option, as
// Tandem's enqueuer takes one; it is closed when the test ends.
func ClientFor(t testing.TB, opt asynq.RedisConnOpt) redis.UniversalClient {
	c := opt.MakeRedisClient().(redis.UniversalClient)
	t.Cleanup(func() { c.Close() })
	return c
}
