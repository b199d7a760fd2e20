package jobs

import (
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
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
	close  func()
}

// Close closes the client and stops an embedded server.
func (r *Redis) Close() {
	r.Client.Close()
	if r.close != nil {
		r.close()
	}
}

// OpenRedis connects to the Redis at url (redis://, rediss://).
func OpenRedis(url string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parsing REDIS_URL: %w", err)
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = redisDialTimeout, redisIOTimeout, redisIOTimeout
	return &Redis{
		Asynq: asynq.RedisClientOpt{
			Network: opt.Network, Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: opt.DB,
			TLSConfig: opt.TLSConfig, DialTimeout: opt.DialTimeout, ReadTimeout: opt.ReadTimeout, WriteTimeout: opt.WriteTimeout,
		},
		Client: redis.NewClient(opt),
	}, nil
}

// StartEmbeddedRedis runs an in-process Redis (miniredis) on a loopback
// port: the zero-setup default of `tandem run`. Nothing survives a restart.
func StartEmbeddedRedis() (*Redis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		return nil, fmt.Errorf("starting embedded Redis: %w", err)
	}
	r, err := OpenRedis("redis://" + m.Addr())
	if err != nil {
		m.Close()
		return nil, err
	}
	r.close = m.Close
	return r, nil
}
