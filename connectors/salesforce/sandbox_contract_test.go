package salesforce_test

// Contract tests: Tandem's Salesforce client against the Salesforce sandbox,
// over real HTTP. The two were written separately from the real API; these
// tests prove they agree on every call Tandem makes.

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
)

// sandboxOrg is a sandbox org served over HTTP, counting the requests that
// reach it.
type sandboxOrg struct {
	*sandbox.Server
	url string

	tokenRequests atomic.Int64 // POST /services/oauth2/token
	apiRequests   atomic.Int64 // everything under /services/data/
	queryMore     atomic.Int64 // GET /services/data/vXX.X/query/{locator}
}

func newSandboxOrg(t testing.TB, cfg sandbox.Config) *sandboxOrg {
	t.Helper()
	srv, err := sandbox.New(cfg)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	org := &sandboxOrg{Server: srv}
	h := srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org.count(r)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { hs.Close(); srv.Close() })
	org.url = hs.URL
	return org
}

// newOrgAndClient is a fresh sandbox org and a client credentials client of it.
func newOrgAndClient(t *testing.T, cfg sandbox.Config) (*sandboxOrg, *salesforce.Client) {
	t.Helper()
	org := newSandboxOrg(t, cfg)
	return org, org.client(t, salesforce.Config{})
}

func (o *sandboxOrg) count(r *http.Request) {
	switch {
	case r.URL.Path == "/services/oauth2/token":
		o.tokenRequests.Add(1)
	case strings.HasPrefix(r.URL.Path, "/services/data/"):
		o.apiRequests.Add(1)
		if strings.Contains(r.URL.Path, "/query/") {
			o.queryMore.Add(1)
		}
	}
}

// client returns a client of the org: the client credentials flow of the
// sandbox's connected app unless cfg says otherwise.
func (o *sandboxOrg) client(t *testing.T, cfg salesforce.Config) *salesforce.Client {
	t.Helper()
	cfg.LoginURL = o.url
	if cfg.ClientID == "" {
		cfg.ClientID = sandbox.DefaultClientID
	}
	if cfg.ClientSecret == "" && cfg.PrivateKey == nil {
		cfg.ClientSecret = sandbox.DefaultClientSecret
	}
	c, err := salesforce.New(cfg)
	if err != nil {
		t.Fatalf("salesforce.New: %v", err)
	}
	return c
}

// anyAccountID is the id of a seeded account.
func (o *sandboxOrg) anyAccountID(t *testing.T) string {
	t.Helper()
	rows, err := o.Query("SELECT Id FROM Account LIMIT 1")
	if err != nil || len(rows) != 1 {
		t.Fatalf("sandbox has no account: %v", err)
	}
	return rows[0]["Id"].(string)
}

// wantNone checks that soql finds nothing: a write that failed wrote nothing.
func (o *sandboxOrg) wantNone(t *testing.T, soql string) {
	t.Helper()
	if rows, err := o.Query(soql); err != nil || len(rows) != 0 {
		t.Errorf("%s = %v, %v; want no records", soql, rows, err)
	}
}

// wantPermanent checks that err is a permanent Salesforce error with this
// status and code, and that the code survives in its text.
func wantPermanent(t *testing.T, err error, status int, code string) *salesforce.APIError {
	t.Helper()
	var e *salesforce.APIError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *salesforce.APIError", err, err)
	}
	if e.Status != status || e.Code != code {
		t.Errorf("error is %d %s, want %d %s: %v", e.Status, e.Code, status, code, err)
	}
	if !connectors.IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = false, want true", err)
	}
	if !strings.Contains(err.Error(), code) {
		t.Errorf("error text %q does not name %s", err, code)
	}
	return e
}

func TestSandboxContractAuth(t *testing.T) {
	t.Parallel()
	org := newSandboxOrg(t, sandbox.Config{})
	strangerKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	accountID := org.anyAccountID(t)
	tests := []struct {
		name     string
		cfg      salesforce.Config
		wantCode string // "" = the call succeeds
	}{
		{"client credentials", salesforce.Config{}, ""},
		{"JWT bearer", salesforce.Config{PrivateKey: org.JWTPrivateKey(), Username: sandbox.DefaultIntegrationUsername}, ""},
		{"wrong client secret", salesforce.Config{ClientSecret: "not-the-secret"}, "invalid_client"},
		{"unknown client id", salesforce.Config{ClientID: "someone-else"}, "invalid_client_id"},
		{"JWT signed by an unknown key", salesforce.Config{PrivateKey: strangerKey, Username: sandbox.DefaultIntegrationUsername}, "invalid_grant"},
		{"JWT for an unknown user", salesforce.Config{PrivateKey: org.JWTPrivateKey(), Username: "nobody@tandem.sandbox"}, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, err := org.client(t, tt.cfg).Get(t.Context(), "Account", accountID, "Id", "Name")
			if tt.wantCode != "" {
				wantPermanent(t, err, http.StatusBadRequest, tt.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if rec.String("Id") != accountID || rec.String("Name") == "" {
				t.Errorf("Get = %v, want account %s with its name", rec, accountID)
			}
		})
	}
}

// oppQuery selects a parent path, a child subquery and a grandparent
// path inside it: what the sales order job reads.
const oppQuery = "SELECT Id, Name, Account.Name, " +
	"(SELECT Id, Quantity, Product2.NetSuite_Item_Id__c FROM OpportunityLineItems) FROM Opportunity"

func TestSandboxContractQueryParentAndChildren(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	want, err := org.Query(oppQuery)
	if err != nil || len(want) == 0 {
		t.Fatalf("sandbox Query: %d rows, %v", len(want), err)
	}
	got, err := sf.Query(t.Context(), oppQuery)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("Query returned %d opportunities, the sandbox holds %d", len(got), len(want))
	}
	byID := map[string]salesforce.Record{}
	for _, r := range got {
		byID[r.String("Id")] = r
	}
	unmapped := 0
	for _, w := range want {
		r, ok := byID[w["Id"].(string)]
		if !ok {
			t.Fatalf("opportunity %s missing from the query result", w["Id"])
		}
		if r.String("Account.Name") != w["Account"].(map[string]any)["Name"] {
			t.Errorf("Account.Name = %q, want %q", r.String("Account.Name"), w["Account"].(map[string]any)["Name"])
		}
		unmapped += compareLines(t, r.Children("OpportunityLineItems"), w["OpportunityLineItems"].([]map[string]any))
	}
	if unmapped == 0 {
		t.Error("no seeded line has the unmapped product: the null Product2.NetSuite_Item_Id__c went unchecked")
	}
}

// compareLines checks the child records against the sandbox's and returns
// how many have no NetSuite item id.
func compareLines(t *testing.T, got []salesforce.Record, want []map[string]any) (unmapped int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("Children = %d lines, want %d", len(got), len(want))
	}
	for i, line := range got {
		itemID, _ := want[i]["Product2"].(map[string]any)["NetSuite_Item_Id__c"].(string)
		if line.String("Id") != want[i]["Id"] || line.String("Product2.NetSuite_Item_Id__c") != itemID {
			t.Errorf("line %d = %s item %q, want %s item %q", i, line.String("Id"),
				line.String("Product2.NetSuite_Item_Id__c"), want[i]["Id"], itemID)
		}
		if q, ok := line.Float("Quantity"); !ok || q != want[i]["Quantity"] {
			t.Errorf("line %d Quantity = %v, want %v", i, q, want[i]["Quantity"])
		}
		if itemID == "" {
			unmapped++
		}
	}
	return unmapped
}

func TestSandboxContractQueryEachFollowsNextRecordsURL(t *testing.T) {
	t.Parallel()
	const n = 450 // three pages of sandbox.MinQueryBatchSize
	org, sf := newOrgAndClient(t, sandbox.Config{QueryBatchSize: sandbox.MinQueryBatchSize})
	created := map[string]bool{}
	for i := range n {
		id, err := org.Create("Account", map[string]any{"Name": fmt.Sprintf("Paging %03d", i)}, org.IntegrationUser())
		if err != nil {
			t.Fatalf("sandbox Create: %v", err)
		}
		created[id] = true
	}
	seen := map[string]int{}
	err := sf.QueryEach(t.Context(), "SELECT Id, Name FROM Account WHERE Name LIKE 'Paging%'", func(r salesforce.Record) error {
		seen[r.String("Id")]++
		return nil
	})
	if err != nil {
		t.Fatalf("QueryEach: %v", err)
	}
	if got := org.queryMore.Load(); got < 2 {
		t.Errorf("QueryEach read %d nextRecordsUrl pages, want at least 2 after the first", got)
	}
	if len(seen) != n {
		t.Errorf("QueryEach saw %d accounts, want %d", len(seen), n)
	}
	for id, times := range seen {
		if !created[id] || times != 1 {
			t.Errorf("account %s seen %d times (created by the test: %v)", id, times, created[id])
		}
	}
}

func TestSandboxContractUpsertCreatesThenUpdates(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	ctx := t.Context()
	first, err := sf.Upsert(ctx, "Account", "NetSuite_Id__c", "NS-4711", map[string]any{"Name": "Upsert Ltd", "Phone": "+1 555 0100"})
	if err != nil {
		t.Fatalf("Upsert (create): %v", err)
	}
	if !first.Success || !first.Created || first.ID == "" {
		t.Fatalf("first Upsert = %+v, want a created record", first)
	}
	second, err := sf.Upsert(ctx, "Account", "NetSuite_Id__c", "NS-4711", map[string]any{"Phone": "+1 555 0199"})
	if err != nil {
		t.Fatalf("Upsert (update): %v", err)
	}
	if !second.Success || second.Created || second.ID != first.ID {
		t.Errorf("second Upsert = %+v, want an update of %s", second, first.ID)
	}
	rec, ok := org.Get("Account", first.ID)
	if !ok || rec["Name"] != "Upsert Ltd" || rec["Phone"] != "+1 555 0199" || rec["NetSuite_Id__c"] != "NS-4711" {
		t.Errorf("sandbox holds %v, want the created account with the updated phone", rec)
	}
}

// External ids come from NetSuite and may hold characters a URL path
// reserves; the client escapes them and the org must read them back as sent.
func TestSandboxContractExternalIDsWithReservedCharacters(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	ctx := t.Context()
	for _, extID := range []string{"NS 42", "NS/42", "50%", "50%/2", "a+b", "x?y#z", "Müller"} {
		res, err := sf.Upsert(ctx, "Account", "NetSuite_Id__c", extID, map[string]any{"Name": "Reserved " + extID})
		if err != nil {
			t.Errorf("Upsert %q: %v", extID, err)
			continue
		}
		if rec, _ := org.Get("Account", res.ID); rec["NetSuite_Id__c"] != extID {
			t.Errorf("Upsert %q stored NetSuite_Id__c %q", extID, rec["NetSuite_Id__c"])
		}
		got, err := sf.GetByExternalID(ctx, "Account", "NetSuite_Id__c", extID)
		if err != nil || got.String("Id") != res.ID {
			t.Errorf("GetByExternalID %q = %s, %v; want %s", extID, got.String("Id"), err, res.ID)
		}
	}
}

// Contact.NetSuite_Id__c is an external id without a unique index, so a
// value can match several records: HTTP 300 with their URLs.
func TestSandboxContractExternalIDMatchingSeveralRecords(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	for _, last := range []string{"Twin", "Twain"} {
		if _, err := org.Create("Contact", map[string]any{"LastName": last, "NetSuite_Id__c": "NS-DUP"}, org.SalesUser()); err != nil {
			t.Fatalf("sandbox Create: %v", err)
		}
	}
	ctx := t.Context()
	_, getErr := sf.GetByExternalID(ctx, "Contact", "NetSuite_Id__c", "NS-DUP")
	_, upsertErr := sf.Upsert(ctx, "Contact", "NetSuite_Id__c", "NS-DUP", map[string]any{"LastName": "Third"})
	for _, err := range []error{getErr, upsertErr} {
		e := wantPermanent(t, err, http.StatusMultipleChoices, salesforce.CodeMultipleChoices)
		if len(e.Matches) != 2 || !strings.Contains(e.Matches[0], "/sobjects/Contact/003") {
			t.Errorf("Matches = %v, want the URLs of both contacts", e.Matches)
		}
	}
	org.wantNone(t, "SELECT Id FROM Contact WHERE LastName = 'Third'")
}

func TestSandboxContractUpsertCollectionReportsEachRecord(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	records := []map[string]any{
		{"NetSuite_Id__c": "NS-1", "Name": "Collection One"},
		{"NetSuite_Id__c": "NS-2", "Phone": "+1 555 0102"}, // no Name: required
		{"NetSuite_Id__c": "NS-3", "Name": "Collection Three"},
	}
	results, err := sf.UpsertCollection(t.Context(), "Account", "NetSuite_Id__c", records, false)
	if err != nil {
		t.Fatalf("UpsertCollection: %v", err)
	}
	for i, res := range results {
		if i == 1 {
			continue
		}
		rec, ok := org.Get("Account", res.ID)
		if !res.Success || !res.Created || !ok || rec["Name"] != records[i]["Name"] {
			t.Errorf("result %d = %+v, sandbox holds %v: want the record written", i, res, rec)
		}
	}
	bad := results[1]
	if bad.Success || bad.ID != "" {
		t.Errorf("result 1 = %+v, want a failure", bad)
	}
	e := wantPermanent(t, bad.Err(), http.StatusOK, "REQUIRED_FIELD_MISSING")
	if !slices.Contains(e.Fields, "Name") {
		t.Errorf("error fields = %v, want Name", e.Fields)
	}
	org.wantNone(t, "SELECT Id FROM Account WHERE NetSuite_Id__c = 'NS-2'")
}

func TestSandboxContractUpdateGetDelete(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	ctx := t.Context()
	id, err := sf.Create(ctx, "Account", map[string]any{"Name": "Lifecycle GmbH"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := sf.Update(ctx, "Account", id, map[string]any{"Phone": "+49 30 5557 0001", "Credit_Hold__c": true}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	rec, err := sf.Get(ctx, "Account", id, "Name", "Phone", "Credit_Hold__c")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if rec.String("Name") != "Lifecycle GmbH" || rec.String("Phone") != "+49 30 5557 0001" || !rec.Bool("Credit_Hold__c") {
		t.Errorf("Get = %v, want the name kept and the update applied", rec)
	}
	if err := sf.Delete(ctx, "Account", id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, ok := org.Get("Account", id); ok {
		t.Error("the sandbox still holds the deleted account")
	}
	_, err = sf.Get(ctx, "Account", id)
	wantPermanent(t, err, http.StatusNotFound, salesforce.CodeEntityIsDeleted)
	if err := sf.Delete(ctx, "Account", id); err != nil {
		t.Errorf("deleting again = %v, want nil (a retried delete succeeds)", err)
	}
}

func TestSandboxContractExpiredSessionRenewsOnce(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	id := org.anyAccountID(t)
	ctx := t.Context()
	if _, err := sf.Get(ctx, "Account", id); err != nil {
		t.Fatalf("Get: %v", err)
	}
	org.ExpireSessions()
	if _, err := sf.Get(ctx, "Account", id); err != nil {
		t.Fatalf("Get after the sessions expired: %v", err)
	}
	if _, err := sf.Get(ctx, "Account", id); err != nil {
		t.Fatalf("Get with the renewed session: %v", err)
	}
	if got := org.tokenRequests.Load(); got != 2 {
		t.Errorf("%d token requests, want 2 (the first and one renewal)", got)
	}
}

func TestSandboxContractLimitsFollowSforceLimitInfo(t *testing.T) {
	t.Parallel()
	const allocation = 3 // API requests a day
	org, sf := newOrgAndClient(t, sandbox.Config{APILimit: allocation})
	if got := sf.Limits(); !got.Seen.IsZero() {
		t.Fatalf("Limits before any call = %+v, want none seen", got)
	}
	id := org.anyAccountID(t)
	ctx := t.Context()
	for i := 1; i <= allocation; i++ {
		if _, err := sf.Get(ctx, "Account", id); err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got := sf.Limits(); got.Used != i || got.Max != allocation || got.Seen.IsZero() {
			t.Errorf("after call %d Limits = %+v, want %d/%d", i, got, i, allocation)
		}
	}
	// Over the daily allocation: 403 REQUEST_LIMIT_EXCEEDED, a wait for the
	// job (minutes, not seconds), never an in-place retry.
	_, err := sf.Get(ctx, "Account", id)
	var te *connectors.ThrottleError
	if !errors.As(err, &te) || te.Reason != salesforce.CodeRequestLimitExceeded || te.Wait < time.Minute {
		t.Errorf("Get over the allocation = %v, want a ThrottleError of REQUEST_LIMIT_EXCEEDED waiting minutes", err)
	}
	if got := sf.Limits(); got.Used != allocation+1 || org.apiRequests.Load() != allocation+1 {
		t.Errorf("Limits = %+v after %d API requests, want %d used", got, org.apiRequests.Load(), allocation+1)
	}
}

func TestSandboxContractWritesCarryTheCallOptionsClient(t *testing.T) {
	t.Parallel()
	org, sf := newOrgAndClient(t, sandbox.Config{})
	var mu sync.Mutex
	var events []sandbox.ChangeEvent
	org.OnChange(func(ev sandbox.ChangeEvent) {
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	})
	writeEveryWay(t, sf)

	mu.Lock()
	defer mu.Unlock()
	want := "com/salesforce/api/rest/" + salesforce.DefaultAPIVersion + ";client=" + connectors.CallOptionsClient
	types := map[string]int{}
	for _, ev := range events {
		types[ev.ChangeType]++
		if ev.ChangeOrigin != want {
			t.Errorf("%s %s %s: changeOrigin %q, want %q", ev.ChangeType, ev.Object, ev.RecordID, ev.ChangeOrigin, want)
		}
	}
	for _, ct := range []string{"CREATE", "UPDATE", "DELETE"} {
		if types[ct] == 0 {
			t.Errorf("no %s event among %v", ct, types)
		}
	}
}

// writeEveryWay makes each kind of write the client has.
func writeEveryWay(t *testing.T, sf *salesforce.Client) {
	t.Helper()
	ctx := t.Context()
	id, err := sf.Create(ctx, "Account", map[string]any{"Name": "Origin Inc"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	steps := []struct {
		name string
		do   func() error
	}{
		{"Update", func() error { return sf.Update(ctx, "Account", id, map[string]any{"Phone": "+1 555 0111"}) }},
		{"Upsert", func() error {
			_, err := sf.Upsert(ctx, "Account", "NetSuite_Id__c", "NS-77", map[string]any{"Name": "Origin Upsert"})
			return err
		}},
		{"UpsertCollection", func() error {
			res, err := sf.UpsertCollection(ctx, "Account", "NetSuite_Id__c",
				[]map[string]any{{"NetSuite_Id__c": "NS-77", "Phone": "+1 555 0177"}, {"NetSuite_Id__c": "NS-78", "Name": "Origin Two"}}, true)
			if err == nil {
				err = errors.Join(res[0].Err(), res[1].Err())
			}
			return err
		}},
		{"Delete", func() error { return sf.Delete(ctx, "Account", id) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
}

func TestSandboxContractValidationErrorIsPermanent(t *testing.T) {
	t.Parallel()
	_, sf := newOrgAndClient(t, sandbox.Config{})
	ctx := t.Context()
	tests := []struct {
		name  string
		write func() error
		field string
	}{
		{"Create Account without Name", func() error {
			_, err := sf.Create(ctx, "Account", map[string]any{"Phone": "+1 555 0123"})
			return err
		}, "Name"},
		{"Upsert a new Opportunity without CloseDate", func() error {
			_, err := sf.Upsert(ctx, "Opportunity", "NetSuite_Sales_Order_Id__c", "SO-1",
				map[string]any{"Name": "No date", "StageName": "Prospecting"})
			return err
		}, "CloseDate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := wantPermanent(t, tt.write(), http.StatusBadRequest, "REQUIRED_FIELD_MISSING")
			if !slices.Equal(e.Fields, []string{tt.field}) || !strings.Contains(e.Message, tt.field) {
				t.Errorf("error fields %v, message %q: want them to name %s", e.Fields, e.Message, tt.field)
			}
		})
	}
}
