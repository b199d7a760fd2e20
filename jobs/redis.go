package jobs

import (
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/internal/redisurl"
)

// Redis timeouts: short, so a Redis outage turns into a fast 503 for the
// sender (who retries) rather than a hung webhook.
const (
	redisDialTimeout = 2 * time.Second
	redisIOTimeout   = 3 * time.Second
)

// Redis is one Redis connection in the two forms Tandem needs: asynq's
// connection option and a go-redis client for throttles and memos.
type Redis struct {
	Asynq  asynq.RedisConnOpt
	Client redis.UniversalClient
	close  func() // see StopOnClose
}

// StopOnClose has Close also call stop, after closing the client: for a
// Redis server the process runs itself (the embedded one of `tandem run`).
func (r *Redis) StopOnClose(stop func()) { r.close = stop }

// Close closes the client and stops a server the process runs itself.
func (r *Redis) Close() {
	r.Client.Close()
	if r.close != nil {
		r.close()
	}
}

// OpenRedis connects to the Redis that url names: one server (redis://,
// rediss://), a master watched by Sentinels (redis-sentinel://…?master=)
// or a Redis Cluster (redis-cluster://); see package redisurl.
func OpenRedis(url string) (*Redis, error) {
	o, err := redisurl.Parse(url)
	if err != nil {
		return nil, fmt.Errorf("parsing REDIS_URL: %w", err)
	}
	switch {
	case o.Sentinel != nil:
		return openSentinel(o.Sentinel), nil
	case o.Cluster != nil:
		return openCluster(o.Cluster), nil
	}
	return openSingle(o.Single), nil
}

func openSingle(o *redis.Options) *Redis {
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = redisDialTimeout, redisIOTimeout, redisIOTimeout
	return &Redis{
		Asynq: asynq.RedisClientOpt{
			Network: o.Network, Addr: o.Addr, Username: o.Username, Password: o.Password, DB: o.DB,
			TLSConfig: o.TLSConfig, DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		},
		Client: redis.NewClient(o),
	}
}

// openSentinel asks the Sentinels where the master is, and again after a
// failover.
func openSentinel(o *redis.FailoverOptions) *Redis {
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = redisDialTimeout, redisIOTimeout, redisIOTimeout
	return &Redis{
		Asynq: asynq.RedisFailoverClientOpt{
			MasterName: o.MasterName, SentinelAddrs: o.SentinelAddrs,
			SentinelUsername: o.SentinelUsername, SentinelPassword: o.SentinelPassword,
			Username: o.Username, Password: o.Password, DB: o.DB, TLSConfig: o.TLSConfig,
			DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		},
		Client: redis.NewFailoverClient(o),
	}
}

// openCluster routes each key to the node serving its hash slot. Every
// script and transaction of Tandem's touches one slot, and asynq keeps each
// queue's keys in one slot ("asynq:{queue}:…").
func openCluster(o *redis.ClusterOptions) *Redis {
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout = redisDialTimeout, redisIOTimeout, redisIOTimeout
	return &Redis{
		Asynq: asynq.RedisClusterClientOpt{
			Addrs: o.Addrs, Username: o.Username, Password: o.Password, TLSConfig: o.TLSConfig,
			DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		},
		Client: redis.NewClusterClient(o),
	}
}
