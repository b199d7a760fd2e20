package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// noReuse is a client that never retries on its own: Go retries an
// idempotent request whose reused connection was dropped, which would
// hide injected timeouts.
func noReuse() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// outcomes sends n GETs and returns each status (0 when the connection dropped).
func outcomes(t *testing.T, a *testAccount, n int) []int {
	t.Helper()
	c := noReuse()
	out := make([]int, n)
	for i := range out {
		res, err := a.roundTrip(c, a.request(http.MethodGet, recordPath+"customer/102", nil))
		if err == nil {
			out[i] = res.status
		}
	}
	return out
}

func TestFaultRatesRoughlyRight(t *testing.T) {
	const n = 1000
	a := newTestAccount(t, Config{Faults: Faults{Rate5xx: 0.1, Rate429: 0.1, RateTimeout: 0.05, Timeout: time.Millisecond, Rand: 42}})
	counts := map[int]int{}
	for _, s := range outcomes(t, a, n) {
		counts[s]++
	}
	st := a.srv.Stats()
	within := func(name string, got int, rate float64) {
		lo, hi := int(rate*n*0.5), int(rate*n*1.5)
		if got < lo || got > hi {
			t.Errorf("%s = %d, want within [%d, %d] of %d requests", name, got, lo, hi, n)
		}
	}
	within("500s", counts[http.StatusInternalServerError], 0.1)
	within("429s", counts[http.StatusTooManyRequests], 0.1)
	within("dropped", counts[0], 0.05)
	if st.Injected5xx != counts[500] || st.Injected429 != counts[429] || st.InjectedTimeouts != counts[0] || st.Rejected429 != 0 {
		t.Errorf("stats %+v disagree with answers %v", st, counts)
	}
	if counts[200]+counts[500]+counts[429]+counts[0] != n {
		t.Errorf("unexpected statuses %v", counts)
	}
}

func TestFaultsAreDeterministic(t *testing.T) {
	f := Faults{Rate5xx: 0.2, Rate429: 0.2, Rand: 7}
	first := outcomes(t, newTestAccount(t, Config{Faults: f}), 200)
	second := outcomes(t, newTestAccount(t, Config{Faults: f}), 200)
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("same seed, different faults:\n%v\n%v", first, second)
	}
	f.Rand = 8
	if third := outcomes(t, newTestAccount(t, Config{Faults: f}), 200); fmt.Sprint(first) == fmt.Sprint(third) {
		t.Error("another seed gave the same faults")
	}
}

// TestInjected500AfterWriteReallyApplied: half the injected 500s come
// after the write committed, which a client can only find out by looking.
func TestInjected500AfterWriteReallyApplied(t *testing.T) {
	const n = 40
	a := newTestAccount(t, Config{Faults: Faults{Rate5xx: 1, Rand: 3}})
	want500 := fixtureJSON(t, "oracle-rest-error-500-unexpected.json")
	errorID := regexp.MustCompile(`^An unexpected error occurred\. Error ID: [a-z]{20}$`)
	before := len(a.srv.List("customer"))
	for i := range n {
		res := a.do(http.MethodPost, recordPath+"customer", map[string]any{
			"companyName": fmt.Sprintf("Lost answer %d", i), "externalId": fmt.Sprintf("LOST-%d", i), "subsidiary": map[string]any{"id": "1"}})
		if res.status != http.StatusInternalServerError {
			t.Fatalf("POST %d: %d, want 500", i, res.status)
		}
		for _, k := range []string{"type", "title", "status"} {
			if res.body[k] != want500[k] {
				t.Errorf("500 %s = %v, want %v", k, res.body[k], want500[k])
			}
		}
		if d := errorDetail(res.body); d["o:errorCode"] != codeUnexpected || !errorID.MatchString(fmt.Sprint(d["detail"])) {
			t.Errorf("500 detail %v", d)
		}
	}
	applied := len(a.srv.List("customer")) - before
	if applied == 0 || applied == n {
		t.Fatalf("%d of %d failed creates were applied, want some but not all", applied, n)
	}
	if st := a.srv.Stats(); st.Injected5xx != n {
		t.Errorf("Injected5xx = %d", st.Injected5xx)
	}
	// the committed ones are there; blindly retrying the create fails, an upsert does not
	a.srv.SetFaults(Faults{})
	retried := 0
	for i := range n {
		ext := fmt.Sprintf("LOST-%d", i)
		if _, ok := a.srv.Get("customer", "eid:"+ext); !ok {
			continue
		}
		retried++
		dup := a.do(http.MethodPost, recordPath+"customer", map[string]any{"companyName": "again", "externalId": ext, "subsidiary": map[string]any{"id": "1"}})
		if dup.status != http.StatusBadRequest || errorCode(dup.body) != codeUserError {
			t.Errorf("re-POST of committed %s: %d %s", ext, dup.status, dup.raw)
		}
		if up := a.do(http.MethodPut, recordPath+"customer/eid:"+ext, map[string]any{"companyName": "again"}); up.status != http.StatusNoContent {
			t.Errorf("PUT eid of committed %s: %d %s", ext, up.status, up.raw)
		}
	}
	if retried != applied {
		t.Errorf("found %d committed records by external id, want %d", retried, applied)
	}
}

func TestInjectedTimeoutDropsTheConnection(t *testing.T) {
	const n = 20
	a := newTestAccount(t, Config{Faults: Faults{RateTimeout: 1, Timeout: time.Millisecond, Rand: 5}})
	c := noReuse()
	before := len(a.srv.List("customer"))
	for i := range n {
		req := a.request(http.MethodPost, recordPath+"customer", map[string]any{
			"companyName": fmt.Sprintf("Timed out %d", i), "subsidiary": map[string]any{"id": "1"}})
		if res, err := a.roundTrip(c, req); err == nil {
			t.Fatalf("request %d answered %d; want the connection dropped", i, res.status)
		}
	}
	applied := len(a.srv.List("customer")) - before
	if applied == 0 || applied == n {
		t.Errorf("%d of %d timed-out creates applied, want some but not all", applied, n)
	}
	if st := a.srv.Stats(); st.InjectedTimeouts != n {
		t.Errorf("InjectedTimeouts = %d", st.InjectedTimeouts)
	}
}

func TestFaultsSkipTheTokenEndpoint(t *testing.T) {
	a := newTestAccount(t, Config{Faults: Faults{Rate5xx: 1, Rand: 1}})
	for range 5 {
		if status, body := requestToken(t, a, "garbage"); status != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Fatalf("token endpoint with faults on: %d %v", status, body)
		}
	}
	if st := a.srv.Stats(); st.Injected5xx != 0 {
		t.Errorf("Injected5xx = %d on token requests", st.Injected5xx)
	}
}
