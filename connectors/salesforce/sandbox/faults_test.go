package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestFaultsAnswerLikeSalesforce: injected faults use Salesforce's status
// codes and error bodies, spare the token endpoint, and a 5xx after the
// write still commits it.
func TestFaultsAnswerLikeSalesforce(t *testing.T) {
	o := startOrg(t, Config{})
	token := o.login(t) // the token endpoint never fails
	id := o.firstID(t, "SELECT Id FROM Account ORDER BY Name LIMIT 1")
	for _, c := range []struct {
		faults     Faults
		status     int
		code, text string
	}{
		{Faults{Rate5xx: 1}, http.StatusInternalServerError, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId"},
		{Faults{Rate429: 1}, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."},
	} {
		o.SetFaults(c.faults)
		r := o.call(t, http.MethodGet, "/services/data/v62.0/sobjects/Account/"+id, token, nil)
		errs := r.apiErrors(t)
		if r.status != c.status || len(errs) != 1 || errs[0]["errorCode"] != c.code || !strings.HasPrefix(errs[0]["message"].(string), c.text) {
			t.Errorf("%+v: %d %s", c.faults, r.status, r.body)
		}
	}
	o.SetFaults(Faults{RateTimeout: 1, Timeout: time.Millisecond})
	req, _ := http.NewRequest(http.MethodGet, o.url+"/services/data/v62.0/sobjects/Account/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := o.client.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("an injected timeout answered %d", resp.StatusCode)
	}
	o.SetFaults(Faults{})
	if st := o.FaultStats(); st.Injected5xx != 1 || st.Injected429 != 1 || st.InjectedTimeouts == 0 { // Go may re-send a GET whose kept-alive connection broke
		t.Errorf("fault stats %+v", st)
	}
}

// TestFaultAfterTheWriteCommitsIt: some 5xx answers come after the write
// was applied, as when Salesforce commits and the answer is lost.
func TestFaultAfterTheWriteCommitsIt(t *testing.T) {
	o := startOrg(t, Config{})
	token := o.login(t)
	id := o.firstID(t, "SELECT Id FROM Account ORDER BY Name LIMIT 1")
	committed := 0
	for i := range 20 {
		o.SetFaults(Faults{Rate5xx: 1, Rand: int64(i)})
		website := "https://fault-" + string(rune('a'+i)) + ".example"
		if r := o.call(t, http.MethodPatch, "/services/data/v62.0/sobjects/Account/"+id, token, map[string]any{"Website": website}); r.status != 500 {
			t.Fatalf("status %d, want the injected 500", r.status)
		}
		if rec, _ := o.Get("Account", id); rec["Website"] == website {
			committed++
		}
	}
	if committed == 0 || committed == 20 {
		t.Errorf("%d of 20 writes failing with 500 were committed; want some, not all", committed)
	}
}
