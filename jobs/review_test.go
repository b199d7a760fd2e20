package jobs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/internal/testredis"
)

func ambiguousAccount(sourceID string) ReviewItem {
	return ReviewItem{
		Flow:   TypeAccountToCustomer,
		Source: ReviewRecord{System: "salesforce", Object: "Account", ID: sourceID, Name: "Acme Corp"},
		Candidates: []Candidate{
			{System: "netsuite", Object: "customer", ID: "1207", Name: "ACME Corp.", Why: "same name and billing postcode"},
			{System: "netsuite", Object: "customer", ID: "1388", Name: "Acme Corporation", Why: "same email domain"},
		},
		Reason: "two NetSuite customers match and none carries the account id",
		TaskID: "f2:account_to_customer:sf:00D5e000000TNDM:" + sourceID,
	}
}

func reviewStore(t *testing.T) (*ReviewStore, *time.Time) {
	return reviewStoreOn(testredis.New(t).Client)
}

func reviewStoreOn(rdb redis.UniversalClient) (*ReviewStore, *time.Time) {
	s := NewReviewStore(rdb)
	clock := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return clock }
	return s, &clock
}

func TestReviewAddListGet(t *testing.T) {
	reviewAddListGet(t, testredis.New(t).Client)
}

func reviewAddListGet(t *testing.T, rdb redis.UniversalClient) {
	s, clock := reviewStoreOn(rdb)
	ctx := context.Background()
	first, err := s.Add(ctx, ambiguousAccount("0015e00000AAAAAAAA"))
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != "f2:account_to_customer:0015e00000AAAAAAAA" || !first.CreatedAt.Equal(*clock) {
		t.Errorf("added %+v", first)
	}
	*clock = clock.Add(time.Hour)
	if _, err := s.Add(ctx, ambiguousAccount("0015e00000BBBBBBBB")); err != nil {
		t.Fatal(err)
	}
	*clock = clock.Add(time.Hour)
	again, err := s.Add(ctx, ambiguousAccount("0015e00000AAAAAAAA")) // the job ran into it again
	if err != nil || again.ID != first.ID || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("adding again: %+v, %v; want the same id and first CreatedAt", again, err)
	}
	items, err := s.List(ctx, ReviewOpen)
	if err != nil || len(items) != 2 || items[0].ID != first.ID {
		t.Fatalf("open items oldest first: %+v, %v", items, err)
	}
	got, err := s.Get(ctx, first.ID)
	if err != nil || got.Source.Name != "Acme Corp" || len(got.Candidates) != 2 || got.Candidates[1].Why != "same email domain" || got.TaskID == "" {
		t.Errorf("get: %+v, %v", got, err)
	}
	if _, err := s.Get(ctx, "f2:account_to_customer:nope"); !errors.Is(err, ErrReviewNotFound) {
		t.Errorf("get unknown: %v", err)
	}
}

// TestReviewKeyedByTheFlowsSourceKey: a flow that keys its decisions by
// more than the record id (ns:<id> for NetSuite records) sets ID itself
// and finds its decision under that key.
func TestReviewKeyedByTheFlowsSourceKey(t *testing.T) {
	s, _ := reviewStore(t)
	ctx := context.Background()
	item := ambiguousAccount("1207")
	item.Flow, item.Source.System = TypeCustomerToAccount, "netsuite"
	item.ID = ReviewID(TypeCustomerToAccount, "ns:1207")
	added, err := s.Add(ctx, item)
	if err != nil || added.ID != "f2:customer_to_account:ns:1207" {
		t.Fatalf("add: %+v, %v", added, err)
	}
	if _, err := s.Resolve(ctx, added.ID, ReviewCreate); err != nil {
		t.Fatal(err)
	}
	if d, ok, err := s.Decision(ctx, TypeCustomerToAccount, "ns:1207"); err != nil || !ok || d.Choice != ReviewCreate {
		t.Errorf("decision under the flow's key: %+v %v %v", d, ok, err)
	}
}

func TestReviewResolveStoresTheDecision(t *testing.T) {
	s, _ := reviewStore(t)
	ctx := context.Background()
	item, _ := s.Add(ctx, ambiguousAccount("0015e00000AAAAAAAA"))
	if _, ok, err := s.Decision(ctx, item.Flow, item.Source.ID); ok || err != nil {
		t.Fatalf("decision before resolving: %v %v", ok, err)
	}
	if _, err := s.Resolve(ctx, item.ID, "9999"); !errors.Is(err, ErrReviewChoice) {
		t.Errorf("resolving with a stranger: %v", err)
	}
	if _, err := s.Resolve(ctx, "f2:account_to_customer:nope", ReviewCreate); !errors.Is(err, ErrReviewNotFound) {
		t.Errorf("resolving an unknown item: %v", err)
	}
	resolved, err := s.Resolve(ctx, item.ID, "1388")
	if err != nil || resolved.Resolution == nil || resolved.Resolution.Choice != "1388" {
		t.Fatalf("resolve: %+v, %v", resolved, err)
	}
	d, ok, err := s.Decision(ctx, TypeAccountToCustomer, "0015e00000AAAAAAAA")
	if err != nil || !ok || d.Choice != "1388" || d.ResolvedAt.IsZero() {
		t.Errorf("decision: %+v %v %v", d, ok, err)
	}
	if _, err := s.Resolve(ctx, item.ID, ReviewCreate); !errors.Is(err, ErrReviewResolved) {
		t.Errorf("resolving twice: %v", err)
	}
	if open, _ := s.List(ctx, ReviewOpen); len(open) != 0 {
		t.Errorf("open after resolving: %+v", open)
	}
	if done, _ := s.List(ctx, ReviewResolved); len(done) != 1 {
		t.Errorf("resolved: %+v", done)
	}
	// The flow found the chosen customer gone and asks again: reopened.
	if _, err := s.Add(ctx, ambiguousAccount("0015e00000AAAAAAAA")); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Decision(ctx, TypeAccountToCustomer, "0015e00000AAAAAAAA"); ok {
		t.Error("a re-added item keeps its old decision")
	}
	if r, err := s.Resolve(ctx, item.ID, ReviewCreate); err != nil || r.Resolution.Choice != ReviewCreate {
		t.Errorf("resolving with create: %+v, %v", r, err)
	}
}

func TestReviewRefusesInvalidItems(t *testing.T) {
	s, _ := reviewStore(t)
	noCandidates := ambiguousAccount("0015e00000AAAAAAAA")
	noCandidates.Candidates = nil
	reserved := ambiguousAccount("0015e00000AAAAAAAA")
	reserved.Candidates[0].ID = ReviewCreate
	repeated := ambiguousAccount("0015e00000AAAAAAAA")
	repeated.Candidates[1].ID = repeated.Candidates[0].ID
	for _, item := range []ReviewItem{{}, noCandidates, reserved, repeated} {
		if _, err := s.Add(context.Background(), item); !errors.Is(err, ErrReviewInvalid) {
			t.Errorf("%+v: %v", item, err)
		}
	}
}

// TestReviewResolveRace: two people resolving at once: one wins, the
// other is told it is already resolved.
func TestReviewResolveRace(t *testing.T) {
	reviewResolveRace(t, testredis.New(t).Client)
}

func reviewResolveRace(t *testing.T, rdb redis.UniversalClient) {
	s, _ := reviewStoreOn(rdb)
	ctx := context.Background()
	item, _ := s.Add(ctx, ambiguousAccount("0015e00000AAAAAAAA"))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Resolve(ctx, item.ID, item.Candidates[i%2].ID)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrReviewResolved):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d resolutions succeeded, want exactly 1", won)
	}
}
