package salesforce

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIUsage is the org's API consumption as last reported by Salesforce in
// the Sforce-Limit-Info response header, e.g.
// "api-usage=10018/100000; api-bursts=1/750" or
// "api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)".
type APIUsage struct {
	Used, Max int // api-usage: requests in the last 24 hours, and the org's daily allocation

	BurstsUsed, BurstsMax int // api-bursts, when reported

	AppName         string // per-app-api-usage: the connected app's quota, when reported
	AppUsed, AppMax int

	Seen time.Time // when the header was read; zero until a response carried one
}

// usageTracker keeps the latest APIUsage seen on any response.
type usageTracker struct {
	mu   sync.Mutex
	last APIUsage
}

func (t *usageTracker) observe(h http.Header, now time.Time) {
	u, ok := parseLimitInfo(h.Get("Sforce-Limit-Info"))
	if !ok {
		return
	}
	u.Seen = now
	t.mu.Lock()
	t.last = u
	t.mu.Unlock()
}

func (t *usageTracker) get() APIUsage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

// parseLimitInfo reads a Sforce-Limit-Info value; ok is false unless it
// holds a well-formed api-usage.
func parseLimitInfo(v string) (u APIUsage, ok bool) {
	for _, part := range strings.Split(v, ";") {
		key, val, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			continue
		}
		used, max, app, valid := parseUsage(val)
		if !valid {
			continue
		}
		switch key {
		case "api-usage":
			u.Used, u.Max, ok = used, max, true
		case "api-bursts":
			u.BurstsUsed, u.BurstsMax = used, max
		case "per-app-api-usage":
			u.AppUsed, u.AppMax, u.AppName = used, max, app
		}
	}
	return u, ok
}

// parseUsage reads "17/250" or "17/250(appName=sample-connected-app)".
func parseUsage(v string) (used, max int, app string, ok bool) {
	ratio, rest, _ := strings.Cut(v, "(")
	if rest != "" {
		app = strings.TrimPrefix(strings.TrimSuffix(rest, ")"), "appName=")
	}
	u, m, found := strings.Cut(ratio, "/")
	if !found {
		return 0, 0, "", false
	}
	used, err1 := strconv.Atoi(strings.TrimSpace(u))
	max, err2 := strconv.Atoi(strings.TrimSpace(m))
	if err1 != nil || err2 != nil || used < 0 || max < 0 {
		return 0, 0, "", false
	}
	return used, max, app, true
}
