package sandbox

import "time"

// The org's daily API allocation (reference §3.6, §11): every
// authenticated REST call (Bulk API 2.0 requests included; token requests
// not) counts against Config.APILimit over a rolling 24 hours, each answer
// reports the count in Sforce-Limit-Info (api-usage=N/M), and once it is
// spent every call is refused with 403 REQUEST_LIMIT_EXCEEDED
// "TotalRequests Limit exceeded." until calls age out of the window.

// apiWindow is how far back the allocation counts calls.
const apiWindow = 24 * time.Hour

// apiUsage counts calls per minute over the last apiWindow. Server.mu guards it.
type apiUsage struct {
	minutes []minuteCount // oldest first
	total   int
}

type minuteCount struct {
	minute int64 // Unix minutes
	n      int
}

// add counts one call at now and returns the calls in the window.
func (u *apiUsage) add(now time.Time) int {
	u.expire(now)
	m := now.Unix() / 60
	if k := len(u.minutes); k > 0 && u.minutes[k-1].minute == m {
		u.minutes[k-1].n++
	} else {
		u.minutes = append(u.minutes, minuteCount{minute: m, n: 1})
	}
	u.total++
	return u.total
}

// used is the calls in the window ending at now.
func (u *apiUsage) used(now time.Time) int {
	u.expire(now)
	return u.total
}

func (u *apiUsage) expire(now time.Time) {
	cutoff := now.Add(-apiWindow).Unix() / 60
	i := 0
	for i < len(u.minutes) && u.minutes[i].minute <= cutoff {
		u.total -= u.minutes[i].n
		i++
	}
	u.minutes = u.minutes[i:]
}

// APIUsage reports the calls counted in the last 24 hours and the daily limit.
func (s *Server) APIUsage() (used, limit int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiUsage.used(s.cfg.Clock()), s.cfg.APILimit
}

// SetAPIUsage sets the calls counted in the last 24 hours to n, all made
// now: the calls of the org's other users and integrations, for tests.
func (s *Server) SetAPIUsage(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiUsage = apiUsage{}
	if n > 0 {
		s.apiUsage = apiUsage{minutes: []minuteCount{{minute: s.cfg.Clock().Unix() / 60, n: n}}, total: n}
	}
}
