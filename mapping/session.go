package mapping

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Query asks the other system for records whose Field equals Value.
type Query struct {
	System     string // "netsuite" or "salesforce"
	RecordType string // "inventoryItem", "customer", "Account" …
	Field      string // "externalId", "NetSuite_Id__c" …
	Value      string
}

func (q Query) String() string {
	return fmt.Sprintf("%s %s where %s = %q", q.System, q.RecordType, q.Field, q.Value)
}

// Finder answers lookup() in mappings by reading the other system. It
// returns the internal ids of the matching records; none is not an error.
// The flows back it with the NetSuite and Salesforce clients.
type Finder interface {
	Find(ctx context.Context, q Query) (ids []string, err error)
}

// FinderFunc adapts a function to Finder.
type FinderFunc func(ctx context.Context, q Query) ([]string, error)

// Find implements Finder.
func (f FinderFunc) Find(ctx context.Context, q Query) ([]string, error) { return f(ctx, q) }

// RateSource gives exchange rates for convert(): how many units of to one
// unit of from buys on date ("" for the latest rate). It returns an error
// wrapping ErrNoRate when it has no such rate.
type RateSource interface {
	Rate(ctx context.Context, from, to, date string) (float64, error)
}

// ErrNoRate says a RateSource has no rate for a pair of currencies.
var ErrNoRate = errors.New("no exchange rate")

// LookupCall records one distinct lookup a session made.
type LookupCall struct {
	Query Query
	IDs   []string // what the Finder returned
	Err   error    // the Finder's error, if any
	Hits  int      // further uses answered from the session's cache
}

// RateCall records one distinct exchange rate a session used.
type RateCall struct {
	From, To, Date string
	Rate           float64
	Err            error
}

// Session is what the mappings of one job share: the other system to look
// records up in, exchange rates, and a cache so that each lookup and rate
// is read once per job. It records them so that Try can show them. A
// zero Session is ready to use; it is safe for concurrent use.
type Session struct {
	Finder Finder     // answers lookup(); nil fails any lookup
	Rates  RateSource // answers convert(); nil uses the exchange_rates table

	mu      sync.Mutex
	lookups []*LookupCall
	byQuery map[Query]*LookupCall
	rates   []*RateCall
	byPair  map[[3]string]*RateCall
}

// Lookups lists the lookups made so far, in the order first made.
func (s *Session) Lookups() []LookupCall { return copyCalls(&s.mu, s.lookups) }

// RatesUsed lists the exchange rates read so far, in the order first read.
func (s *Session) RatesUsed() []RateCall { return copyCalls(&s.mu, s.rates) }

// copyCalls copies a session's record under its lock.
func copyCalls[T any](mu *sync.Mutex, calls []*T) []T {
	mu.Lock()
	defer mu.Unlock()
	out := make([]T, len(calls))
	for i, c := range calls {
		out[i] = *c
	}
	return out
}

// find answers a lookup from the cache or the Finder. Errors are cached
// too: a job that failed to read once fails the same way (and is retried
// as a whole).
func (s *Session) find(ctx context.Context, q Query) ([]string, error) {
	s.mu.Lock()
	if c, ok := s.byQuery[q]; ok {
		c.Hits++
		s.mu.Unlock()
		return c.IDs, c.Err
	}
	s.mu.Unlock()

	var ids []string
	err := errors.New("no Finder given for lookups")
	if s.Finder != nil {
		ids, err = s.Finder.Find(ctx, q)
	}
	if err != nil {
		err = fmt.Errorf("looking up %s: %w", q, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.byQuery[q]; ok { // another goroutine got there first
		c.Hits++
		return c.IDs, c.Err
	}
	if s.byQuery == nil {
		s.byQuery = map[Query]*LookupCall{}
	}
	c := &LookupCall{Query: q, IDs: ids, Err: err}
	s.byQuery[q] = c
	s.lookups = append(s.lookups, c)
	return ids, err
}

// rate answers convert() from the cache or the rate source.
func (s *Session) rate(ctx context.Context, fallback RateSource, from, to, date string) (float64, error) {
	key := [3]string{from, to, date}
	s.mu.Lock()
	if c, ok := s.byPair[key]; ok {
		s.mu.Unlock()
		return c.Rate, c.Err
	}
	s.mu.Unlock()

	src := s.Rates
	if src == nil {
		src = fallback
	}
	r, err := src.Rate(ctx, from, to, date)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byPair == nil {
		s.byPair = map[[3]string]*RateCall{}
	}
	c := &RateCall{From: from, To: to, Date: date, Rate: r, Err: err}
	s.byPair[key] = c
	s.rates = append(s.rates, c)
	return r, err
}

// exchangeRatesTable is the table convert() reads when the session has no
// RateSource.
const exchangeRatesTable = "exchange_rates"

// tableRates reads exchange rates from the exchange_rates table: each
// currency's value in one common base currency, e.g. USD: 1, EUR: 1.08,
// GBP: 1.27. The rate from A to B is A's value / B's.
type tableRates struct{ table *table }

// Rate implements RateSource; the date is ignored.
func (r tableRates) Rate(_ context.Context, from, to, _ string) (float64, error) {
	if r.table == nil {
		return 0, fmt.Errorf("%w: no exchange_rates table", ErrNoRate)
	}
	a, err := r.value(from)
	if err != nil {
		return 0, err
	}
	b, err := r.value(to)
	if err != nil {
		return 0, err
	}
	return a / b, nil
}

func (r tableRates) value(currency string) (float64, error) {
	v, ok := r.table.get(currency)
	if !ok {
		return 0, fmt.Errorf("%w for %s in table %s", ErrNoRate, currency, r.table.name)
	}
	f, err := number("convert", v)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("%w: table %s gives %s the value %v, not a positive number", ErrNoRate, r.table.name, currency, v)
	}
	return f, nil
}
