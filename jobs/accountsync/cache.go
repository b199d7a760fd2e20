package accountsync

import (
	"sync"
	"time"
)

// employeeEmailTTL is how long a NetSuite employee's email is remembered.
const employeeEmailTTL = 10 * time.Minute

// ttlCache is a small in-process map whose entries expire.
type ttlCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]ttlEntry
}

type ttlEntry struct {
	v       any
	expires time.Time
}

func newTTLCache(ttl time.Duration) *ttlCache { return &ttlCache{ttl: ttl, m: map[string]ttlEntry{}} }

func (c *ttlCache) get(k string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || time.Now().After(e.expires) {
		delete(c.m, k)
		return nil, false
	}
	return e.v, true
}

func (c *ttlCache) put(k string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = ttlEntry{v: v, expires: time.Now().Add(c.ttl)}
}
