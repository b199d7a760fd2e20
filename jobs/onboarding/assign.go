package onboarding

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
)

// user is a Salesforce User as the assignment reads it.
type user struct {
	ID, Name string
	Active   bool
}

// usersTTL is how long a read of the managers' IsActive is trusted: a
// manager deactivated in Salesforce stops being assigned within it.
const usersTTL = time.Minute

// users caches the configured managers' User records, read in one query.
type users struct {
	sf  jobs.SalesforceAPI
	ids []string

	mu   sync.Mutex
	at   time.Time
	byID map[string]user // by the id's 15-character form
}

func key15(id string) string { return id[:min(len(id), 15)] }

// get returns the managers' records, read again when older than usersTTL.
func (u *users) get(ctx context.Context) (map[string]user, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byID != nil && time.Since(u.at) < usersTTL {
		return u.byID, nil
	}
	quoted := make([]string, len(u.ids))
	for i, id := range u.ids {
		quoted[i] = "'" + salesforce.EscapeSOQL(id) + "'"
	}
	recs, err := u.sf.Query(ctx, "SELECT Id, Name, IsActive FROM User WHERE Id IN ("+strings.Join(quoted, ", ")+")")
	if err != nil {
		return nil, fmt.Errorf("reading the onboarding managers' users: %w", err)
	}
	byID := map[string]user{}
	for _, r := range recs {
		byID[key15(r.String("Id"))] = user{ID: r.String("Id"), Name: r.String("Name"), Active: r.Bool("IsActive")}
	}
	u.byID, u.at = byID, time.Now()
	return byID, nil
}

// ErrUsersUnread: Salesforce did not answer the managers' query, so the
// user ids are not checked yet.
var ErrUsersUnread = errors.New("could not read the managers' users from Salesforce")

// CheckUsers checks every user id the config names against Salesforce:
// an unknown id is an error, an inactive one only a warning (it is
// skipped when assigning).
func CheckUsers(ctx context.Context, sf jobs.SalesforceAPI, c *Config) (warnings []string, err error) {
	u := &users{sf: sf, ids: c.allManagers()}
	found, err := u.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsersUnread, err)
	}
	var unknown []string
	for _, id := range u.ids {
		usr, ok := found[key15(id)]
		switch {
		case !ok:
			unknown = append(unknown, id)
		case !usr.Active:
			warnings = append(warnings, fmt.Sprintf("manager %s (%s) is inactive in Salesforce: skipped when assigning", id, usr.Name))
		}
	}
	if len(unknown) > 0 {
		return warnings, fmt.Errorf("%s: managers: no Salesforce User has the id %s", c.name, strings.Join(unknown, ", "))
	}
	return warnings, nil
}

// The round-robin: each pool (the managers list, or a rule's) has a
// cursor that INCR advances, and each customer's slot (the cursor value
// it drew) is kept beside it, so a retried or concurrent job of the same
// customer draws no second slot. One script, so the draw and the record
// of it are one atomic step; both keys share a hash slot ({rr}) for
// Redis Cluster.
var drawScript = redis.NewScript(`
local slot = redis.call("HGET", KEYS[2], ARGV[1])
if slot then return tonumber(slot) end
slot = redis.call("INCR", KEYS[1]) - 1
redis.call("HSET", KEYS[2], ARGV[1], slot)
return slot`)

func cursorKey(pool string) string { return "tandem:onboarding:{rr}:cursor:" + pool }

func slotsKey(pool string) string { return "tandem:onboarding:{rr}:slots:" + pool }

// poolDefault names the managers list's pool; a rule's pool is its name.
const poolDefault = "managers"

// draw returns the customer's slot in a pool, drawing one the first time.
func draw(ctx context.Context, rdb redis.UniversalClient, pool, customerID string) (int64, error) {
	n, err := drawScript.Run(ctx, rdb, []string{cursorKey(pool), slotsKey(pool)}, customerID).Int64()
	if err != nil {
		return 0, fmt.Errorf("drawing a round-robin slot of %s for customer %s: %w", pool, customerID, err)
	}
	return n, nil
}

// peek is the slot the next customer of a pool would draw (dry-run).
func peek(ctx context.Context, rdb redis.UniversalClient, pool, customerID string) (int64, error) {
	if rdb == nil {
		return 0, nil
	}
	if s, err := rdb.HGet(ctx, slotsKey(pool), customerID).Result(); err == nil {
		return strconv.ParseInt(s, 10, 64)
	} else if err != redis.Nil {
		return 0, err
	}
	n, err := rdb.Get(ctx, cursorKey(pool)).Int64()
	if err == redis.Nil {
		return 0, nil
	}
	return n, err
}

// Slots is every customer's round-robin slot in a pool (for tests and
// operators: no two customers share one).
func Slots(ctx context.Context, rdb redis.UniversalClient, pool string) (map[string]int64, error) {
	m, err := rdb.HGetAll(ctx, slotsKey(pool)).Result()
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k], _ = strconv.ParseInt(v, 10, 64)
	}
	return out, nil
}

// PoolDefault is the pool of the managers list.
const PoolDefault = poolDefault

// pick chooses the pool for an account: the first rule that matches, or
// the managers list.
func (c *Config) pick(a *account, amount float64) (pool string, managers []string) {
	for _, r := range c.Rules {
		if r.matches(a, amount) {
			return r.Name, r.Managers
		}
	}
	return poolDefault, c.Managers
}

func (r Rule) matches(a *account, amount float64) bool {
	w := r.When
	if len(w.Country) > 0 && !containsFold(w.Country, a.Country) {
		return false
	}
	if len(w.Industry) > 0 && !containsFold(w.Industry, a.Industry) {
		return false
	}
	return w.MinAmount == 0 || amount >= w.MinAmount
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if s != "" && strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(s)) {
			return true
		}
	}
	return false
}

// active are a pool's active managers, in the file's order.
func active(pool []string, byID map[string]user) []user {
	var out []user
	for _, id := range pool {
		if u, ok := byID[key15(id)]; ok && u.Active {
			out = append(out, u)
		}
	}
	return out
}
