package salesforce_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// TestSandboxContractCompositePairsWrites: one HTTP request carries
// several upserts; each reports its own result, and a failed one gives the
// same classified *APIError a call of its own would, without undoing the
// others.
func TestSandboxContractCompositePairsWrites(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	ctx := t.Context()
	var subs []salesforce.Subrequest
	for _, s := range []struct {
		ref, id string
		fields  map[string]any
	}{
		{"create", "NS-C/1", map[string]any{"Name": "Composite Ltd", "NetSuite_Id__c": "NS-C/1"}},
		{"update", "NS-C/1", map[string]any{"Phone": "+1 555 0142"}},
		{"noName", "NS-C-2", map[string]any{"Phone": "+1 555 0100"}},
	} {
		sub, err := salesforce.UpsertSubrequest(s.ref, "Account", "NetSuite_Id__c", s.id, s.fields)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	subs = append(subs, salesforce.Subrequest{Method: http.MethodGet, Path: "/sobjects/Account/NetSuite_Id__c/NS-404", ReferenceID: "missing"})
	before := org.apiRequests.Load()
	res, err := sf.Composite(ctx, subs)
	if err != nil {
		t.Fatalf("Composite: %v", err)
	}
	if n := org.apiRequests.Load() - before; n != 1 {
		t.Errorf("%d requests reached the org, want 1", n)
	}
	if len(res) != 4 {
		t.Fatalf("%d responses for 4 subrequests", len(res))
	}
	created, err := res[0].UpsertResult()
	if err != nil || !created.Created || created.ID == "" || res[0].Status != http.StatusCreated {
		t.Errorf("create = %+v, %v", res[0], err)
	}
	updated, err := res[1].UpsertResult()
	if err != nil || updated.Created || updated.ID != created.ID {
		t.Errorf("update = %+v (%+v), %v; want an update of %s", updated, res[1], err, created.ID)
	}
	_, err = res[2].UpsertResult()
	e := wantPermanent(t, err, http.StatusBadRequest, "REQUIRED_FIELD_MISSING")
	if e.Op != "upsert Account/NetSuite_Id__c/NS-C-2" {
		t.Errorf("error op = %q", e.Op)
	}
	if !errors.Is(res[3].Err, connectors.ErrNotFound) || !connectors.IsPermanent(res[3].Err) {
		t.Errorf("missing record: %v, want ErrNotFound", res[3].Err)
	}
	rec, ok := org.Get("Account", created.ID)
	if !ok || rec["Name"] != "Composite Ltd" || rec["Phone"] != "+1 555 0142" {
		t.Errorf("sandbox holds %v", rec)
	}
	org.wantNone(t, "SELECT Id FROM Account WHERE NetSuite_Id__c = 'NS-C-2'")
}

// TestSandboxContractCompositeLimits: more than 25 subrequests is refused
// before sending; none is no call at all.
func TestSandboxContractCompositeLimits(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	subs := make([]salesforce.Subrequest, salesforce.MaxCompositeSubrequests+1)
	for i := range subs {
		subs[i] = salesforce.Subrequest{Method: http.MethodGet, Path: "/limits", ReferenceID: "r"}
	}
	if _, err := sf.Composite(t.Context(), subs); err == nil {
		t.Error("26 subrequests: no error")
	}
	if res, err := sf.Composite(t.Context(), nil); res != nil || err != nil {
		t.Errorf("no subrequests = %v, %v", res, err)
	}
	if n := org.apiRequests.Load(); n != 0 {
		t.Errorf("%d requests reached the org, want 0", n)
	}
}
