package sandbox

import (
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// TestConcurrencyLimit fires limit+excess requests at once while latency
// holds every admitted one in its slot: exactly the excess are refused.
func TestConcurrencyLimit(t *testing.T) {
	const limit, excess = 3, 4
	a := newTestAccount(t, Config{ConcurrencyLimit: limit, Latency: time.Hour})
	reqs := make([]*http.Request, limit+excess)
	for i := range reqs {
		reqs[i] = a.request(http.MethodGet, recordPath+"customer/102", nil)
	}
	results := make(chan response, len(reqs))
	errs := make(chan error, len(reqs))
	var wg sync.WaitGroup
	for _, req := range reqs {
		wg.Go(func() {
			res, err := a.roundTrip(a.ts.Client(), req)
			if err != nil {
				errs <- err
				return
			}
			results <- res
		})
	}
	testfixtures.WaitUntil(t, "the excess to be refused", 30*time.Second, func() bool {
		st := a.srv.Stats()
		return st.InFlight == limit && st.Rejected429 == excess
	})
	a.srv.SetLatency(0) // releases the requests holding slots
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	counts := map[int]int{}
	want429 := expected429(t)
	for res := range results {
		counts[res.status]++
		if res.status == http.StatusTooManyRequests {
			if !reflect.DeepEqual(res.body, want429) {
				t.Errorf("429 body %v, want %v", res.body, want429)
			}
			if ra := res.header.Get("Retry-After"); ra != "" {
				t.Errorf("Retry-After %q: NetSuite sends none", ra)
			}
		}
	}
	if counts[http.StatusOK] != limit || counts[http.StatusTooManyRequests] != excess {
		t.Errorf("statuses %v, want %d×200 and %d×429", counts, limit, excess)
	}
	if st := a.srv.Stats(); st.MaxInFlight != limit || st.InFlight != 0 || st.ByOperation["GET customer"] != limit+excess {
		t.Errorf("stats %+v", st)
	}
}

func TestUnlimitedConcurrency(t *testing.T) {
	const n = 12
	a := newTestAccount(t, Config{ConcurrencyLimit: -1, Latency: time.Hour})
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	for range n {
		req := a.request(http.MethodGet, recordPath+"customer/102", nil)
		wg.Go(func() {
			res, err := a.roundTrip(a.ts.Client(), req)
			if err == nil {
				statuses <- res.status
			}
		})
	}
	testfixtures.WaitUntil(t, "all requests in flight", 30*time.Second, func() bool { return a.srv.Stats().InFlight == n })
	a.srv.SetLatency(0)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Errorf("status %d with no limit", s)
		}
	}
}

// A token request takes no slot: it works while the account is saturated.
func TestTokenRequestsTakeNoSlot(t *testing.T) {
	a := newTestAccount(t, Config{ConcurrencyLimit: 1, Latency: time.Hour})
	req := a.request(http.MethodGet, recordPath+"customer/102", nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = a.roundTrip(a.ts.Client(), req)
	}()
	testfixtures.WaitUntil(t, "the slot to be taken", 30*time.Second, func() bool { return a.srv.Stats().InFlight == 1 })
	status, body := requestToken(t, a, "garbage")
	if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("token endpoint while saturated: %d %v", status, body)
	}
	a.srv.Close() // also releases held requests
	<-done
}
