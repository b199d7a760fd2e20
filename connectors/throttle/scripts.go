package throttle

import "github.com/redis/go-redis/v9"

// The semaphore is one sorted set of leases: member = lease id, score =
// expiry in milliseconds on Redis's clock, so worker clocks do not matter.
// Each script touches only KEYS[1], so it works on Redis Cluster. Redis ≥ 5
// replicates script effects, which lets a script read TIME before writing.

// clock sets now, Redis's time in milliseconds.
const clock = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// keepKey makes the set outlive its newest lease (ttl) and no longer, so an
// abandoned semaphore leaves nothing behind.
const keepKey = `
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
`

// acquireScript drops expired leases and admits lease ARGV[3] for ARGV[2]
// ms if fewer than ARGV[1] are held. It returns {1, slots still free} or
// {0, 0} when all slots are held.
var acquireScript = redis.NewScript(clock + `
local limit, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held >= limit then return {0, 0} end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
` + keepKey + `
return {1, limit - held - 1}
`)

// heartbeatScript moves the expiry of lease ARGV[2] to ARGV[1] ms from now.
// It returns 0 if the lease is gone: expired and swept, its slot maybe
// given to someone else, so it must not come back. A lease still present is
// still counted, so extending it is safe even past its expiry.
var heartbeatScript = redis.NewScript(`
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
` + clock + `
local ttl = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[2])
` + keepKey + `
return 1
`)

// inUseScript counts the leases not yet expired.
var inUseScript = redis.NewScript(clock + `
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`)
