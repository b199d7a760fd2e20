package mapping

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
)

// countingFinder answers from a map and counts the calls per query.
type countingFinder struct {
	mu    sync.Mutex
	found map[string][]string // "system type field value" → ids
	err   error
	calls map[Query]int
}

func (f *countingFinder) Find(_ context.Context, q Query) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[Query]int{}
	}
	f.calls[q]++
	if f.err != nil {
		return nil, f.err
	}
	return f.found[strings.Join([]string{q.System, q.RecordType, q.Field, q.Value}, " ")], nil
}

func (f *countingFinder) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// lookupFlow is a new flow whose fields look items up under each policy.
const lookupFlow = `
source: salesforce.Opportunity
target: netsuite.salesOrder
fields:
  custbody_fail: lookup("netsuite", "inventoryItem", "externalId", FailKey)
  custbody_skip:
    expr: lookup("netsuite", "inventoryItem", "externalId", SkipKey)
    lookup: {on_missing: skip}
  custbody_default:
    expr: lookup("netsuite", "inventoryItem", "externalId", DefaultKey)
    lookup: {on_missing: default}
    default: "999"
  custbody_recovered: lookup("netsuite", "inventoryItem", "externalId", RecoveredKey) ?? "fallback"
  item.items:
    from: OpportunityLineItems
    fields:
      item.id: lookup("netsuite", "inventoryItem", "externalId", Product2Id)
`

func loadLookupFlow(t *testing.T) *Mapping { return loadFlow(t, "lookup_test", lookupFlow) }

func opportunityWithKeys(keys map[string]string, products ...string) map[string]any {
	rec := map[string]any{"Id": "006L"}
	for k, v := range keys {
		rec[k] = v
	}
	lines := []any{}
	for _, p := range products {
		lines = append(lines, map[string]any{"Product2Id": p})
	}
	rec["OpportunityLineItems"] = map[string]any{"totalSize": len(lines), "done": true, "records": lines}
	return rec
}

func TestLookupPolicies(t *testing.T) {
	m := loadLookupFlow(t)
	finder := &countingFinder{found: map[string][]string{
		"netsuite inventoryItem externalId A": {"11"},
		"netsuite inventoryItem externalId P": {"21"},
	}}
	sess := &Session{Finder: finder}
	keys := map[string]string{"FailKey": "A", "SkipKey": "missing-1", "DefaultKey": "missing-2", "RecoveredKey": "missing-3"}
	out, err := m.Apply(context.Background(), sess, opportunityWithKeys(keys, "P", "P"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"custbody_default":"999","custbody_fail":"11","custbody_recovered":"fallback","item":{"items":[{"item":{"id":"21"}},{"item":{"id":"21"}}]}}`
	if got := mustJSON(t, out); got != want {
		t.Fatalf("payload\n got: %s\nwant: %s", got, want)
	}

	// The default policy is fail: the job fails for good, naming the lookup.
	keys["FailKey"] = "missing-4"
	_, err = m.Apply(context.Background(), sess, opportunityWithKeys(keys), nil)
	wantErr := `opportunity 006L: field custbody_fail: lookup found no netsuite inventoryItem where externalId = "missing-4"`
	if err == nil || err.Error() != wantErr {
		t.Fatalf("err = %v, want %s", err, wantErr)
	}
	if !connectors.IsPermanent(err) {
		t.Fatal("a lookup that finds nothing under the fail policy must be permanent")
	}
}

// Each lookup is made once per session (job), however many fields and
// records ask for it; another session asks again.
func TestLookupCachePerSession(t *testing.T) {
	m := loadLookupFlow(t)
	finder := &countingFinder{found: map[string][]string{"netsuite inventoryItem externalId P": {"21"}, "netsuite inventoryItem externalId A": {"11"}}}
	sess := &Session{Finder: finder}
	keys := map[string]string{"FailKey": "A"}
	for range 3 {
		if _, err := m.Apply(context.Background(), sess, opportunityWithKeys(keys, "P", "P", "P"), nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := finder.total(); n != 2 {
		t.Fatalf("finder called %d times, want 2 (one per distinct lookup)", n)
	}
	calls := sess.Lookups()
	if len(calls) != 2 || calls[0].Query.Value != "A" || calls[1].Query.Value != "P" || calls[1].Hits != 8 || calls[1].IDs[0] != "21" {
		t.Fatalf("lookups = %+v", calls)
	}
	if _, err := m.Apply(context.Background(), &Session{Finder: finder}, opportunityWithKeys(keys, "P"), nil); err != nil {
		t.Fatal(err)
	}
	if n := finder.total(); n != 4 {
		t.Fatalf("finder called %d times after a second session, want 4", n)
	}
}

func TestLookupAmbiguousIsPermanent(t *testing.T) {
	m := loadLookupFlow(t)
	sess := &Session{Finder: &countingFinder{found: map[string][]string{"netsuite inventoryItem externalId A": {"11", "12"}}}}
	_, err := m.Apply(context.Background(), sess, opportunityWithKeys(map[string]string{"FailKey": "A"}), nil)
	want := `opportunity 006L: field custbody_fail: lookup found 2 records: netsuite inventoryItem where externalId = "A"; cannot choose one`
	if err == nil || err.Error() != want || !connectors.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent %s", err, want)
	}
}

// A failed read of the other system is not the record's fault: the job
// is retried, with the Finder's error (and its classification) intact.
func TestLookupFailureIsRetried(t *testing.T) {
	m := loadLookupFlow(t)
	throttled := &connectors.ThrottleError{System: "netsuite", Reason: "concurrency slot"}
	sess := &Session{Finder: &countingFinder{err: throttled}}
	_, err := m.Apply(context.Background(), sess, opportunityWithKeys(map[string]string{"FailKey": "A"}), nil)
	if err == nil || IsRecordError(err) || connectors.IsPermanent(err) || !connectors.IsThrottle(err) {
		t.Fatalf("err = %v (%T): want the throttle error, not permanent", err, err)
	}
	if !strings.Contains(err.Error(), `looking up netsuite inventoryItem where externalId = "A"`) {
		t.Fatalf("err = %v, want it to say what was looked up", err)
	}
}

func TestLookupWithoutFinderFails(t *testing.T) {
	m := loadLookupFlow(t)
	_, err := m.Apply(context.Background(), nil, opportunityWithKeys(map[string]string{"FailKey": "A"}), nil)
	if err == nil || IsRecordError(err) || !strings.Contains(err.Error(), "no Finder given for lookups") {
		t.Fatalf("err = %v", err)
	}
}

// An empty value is not looked up: there is nothing to find.
func TestLookupOfEmptyValueIsNotMade(t *testing.T) {
	m := loadLookupFlow(t)
	finder := &countingFinder{}
	out, err := m.Apply(context.Background(), &Session{Finder: finder}, opportunityWithKeys(nil), nil)
	if err != nil || finder.total() != 0 || len(out) != 2 || out["custbody_recovered"] != "fallback" || out["custbody_default"] != "999" {
		t.Fatalf("out = %v, err = %v, calls = %d", out, err, finder.total())
	}
}

// One session shared by a job's parallel mappings stays consistent.
func TestSessionConcurrentUse(t *testing.T) {
	m := loadLookupFlow(t)
	var calls atomic.Int32
	sess := &Session{Finder: FinderFunc(func(_ context.Context, q Query) ([]string, error) {
		calls.Add(1)
		return []string{"id-" + q.Value}, nil
	})}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := opportunityWithKeys(map[string]string{"FailKey": "A"}, fmt.Sprint("P", i%2))
			if _, err := m.Apply(context.Background(), sess, rec, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(sess.Lookups()); got != 3 {
		t.Fatalf("%d distinct lookups recorded, want 3", got)
	}
}

const convertFlow = `
source: salesforce.Opportunity
target: netsuite.salesOrder
fields:
  custbody_usd: round(convert(Amount, CurrencyIsoCode, "USD"), 2)
  custbody_on_date: round(convert(Amount, CurrencyIsoCode, "GBP", CloseDate), 2)
tables:
  exchange_rates:
    EUR: 1.08
    GBP: 1.27
`

func TestConvertWithTableRates(t *testing.T) {
	m := loadFlow(t, "convert_test", convertFlow)
	sess := &Session{}
	rec := map[string]any{"Id": "006C", "Amount": 1000.0, "CurrencyIsoCode": "EUR", "CloseDate": "2026-01-15"}
	out, err := m.Apply(context.Background(), sess, rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out["custbody_usd"] != 1080.0 || out["custbody_on_date"] != 850.39 {
		t.Fatalf("out = %v", out)
	}
	if rates := sess.RatesUsed(); len(rates) != 2 || rates[0].From != "EUR" || rates[0].To != "USD" || rates[1].Date != "2026-01-15" {
		t.Fatalf("rates = %+v", rates)
	}

	rec["CurrencyIsoCode"] = "JPY"
	_, err = m.Apply(context.Background(), sess, rec, nil)
	want := "opportunity 006C: field custbody_usd: no exchange rate for JPY in table exchange_rates; field custbody_on_date: no exchange rate for JPY in table exchange_rates"
	if err == nil || err.Error() != want || !connectors.IsPermanent(err) {
		t.Fatalf("err = %v, want permanent %s", err, want)
	}
}

// rateFunc is a RateSource, standing for NetSuite's currency rates.
type rateFunc func(from, to, date string) (float64, error)

func (f rateFunc) Rate(_ context.Context, from, to, date string) (float64, error) {
	return f(from, to, date)
}

func TestConvertWithRateSource(t *testing.T) {
	m := loadFlow(t, "convert_test", convertFlow)
	var asked []string
	sess := &Session{Rates: rateFunc(func(from, to, date string) (float64, error) {
		asked = append(asked, from+to+date)
		return 2, nil
	})}
	rec := map[string]any{"Id": "006C", "Amount": 10.0, "CurrencyIsoCode": "EUR", "CloseDate": "2026-01-15T10:00:00Z"}
	for range 2 {
		out, err := m.Apply(context.Background(), sess, rec, nil)
		if err != nil || out["custbody_usd"] != 20.0 || out["custbody_on_date"] != 20.0 {
			t.Fatalf("out = %v, err = %v", out, err)
		}
	}
	if strings.Join(asked, " ") != "EURUSD EURGBP2026-01-15" {
		t.Fatalf("rates asked: %v (each once per session)", asked)
	}

	down := errors.New("connection refused")
	sess = &Session{Rates: rateFunc(func(string, string, string) (float64, error) { return 0, down })}
	_, err := m.Apply(context.Background(), sess, rec, nil)
	if !errors.Is(err, down) || IsRecordError(err) {
		t.Fatalf("err = %v: want the rate source's error, to retry", err)
	}
}
