package netsuite_test

// Contract tests: Tandem's NetSuite client against the NetSuite sandbox,
// over real HTTP. The two were written separately from Oracle's
// documentation; these tests prove they agree on every call Tandem makes.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/throttle"
	"github.com/tandem-sync/tandem/internal/testredis"
)

const tokenPath = "/services/rest/auth/oauth2/v1/token"

// sandboxAccount is a sandbox account served over HTTP. It notes the JWS
// algorithm of every client assertion sent to the token endpoint.
type sandboxAccount struct {
	*sandbox.Server
	url string

	mu            sync.Mutex
	assertionAlgs []string
}

func newSandboxAccount(t *testing.T, cfg sandbox.Config) *sandboxAccount {
	t.Helper()
	srv, err := sandbox.New(cfg)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	a := &sandboxAccount{Server: srv}
	h := srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == tokenPath {
			a.noteAssertion(r)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { srv.Close(); hs.Close() })
	a.url = hs.URL
	return a
}

// noteAssertion reads the alg of the client assertion and puts the body back.
func (a *sandboxAccount) noteAssertion(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	encoded, _, _ := strings.Cut(form.Get("client_assertion"), ".")
	var header struct{ Alg string }
	raw, _ := base64.RawURLEncoding.DecodeString(encoded)
	_ = json.Unmarshal(raw, &header)
	a.mu.Lock()
	a.assertionAlgs = append(a.assertionAlgs, header.Alg)
	a.mu.Unlock()
}

// algs are the algorithms of the client assertions seen so far.
func (a *sandboxAccount) algs() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.assertionAlgs)
}

// client returns a client of the account, signing with the sandbox's TBA
// token unless cfg brings its own credentials.
func (a *sandboxAccount) client(t *testing.T, cfg netsuite.Config) *netsuite.Client {
	t.Helper()
	cfg.AccountID, cfg.BaseURL = sandbox.DefaultAccountID, a.url
	if cfg.TBA == nil && cfg.M2M == nil {
		cfg.TBA = sandboxTBA()
	}
	c, err := netsuite.New(cfg)
	if err != nil {
		t.Fatalf("netsuite.New: %v", err)
	}
	return c
}

// newAccountAndClient is a fresh sandbox account and a TBA client of it.
func newAccountAndClient(t *testing.T, cfg sandbox.Config) (*sandboxAccount, *netsuite.Client) {
	t.Helper()
	acct := newSandboxAccount(t, cfg)
	return acct, acct.client(t, netsuite.Config{})
}

func sandboxTBA() *netsuite.TBAConfig {
	return &netsuite.TBAConfig{ConsumerKey: sandbox.DefaultConsumerKey, ConsumerSecret: sandbox.DefaultConsumerSecret,
		TokenID: sandbox.DefaultTokenID, TokenSecret: sandbox.DefaultTokenSecret}
}

// seededCustomer is the first customer of the seed data.
func (a *sandboxAccount) seededCustomer(t *testing.T) map[string]any {
	t.Helper()
	customers := a.List("customer")
	if len(customers) == 0 {
		t.Fatal("the sandbox seeded no customer")
	}
	return customers[0]
}

// withExternalID are the records of a type with this external id.
func (a *sandboxAccount) withExternalID(recordType, eid string) []map[string]any {
	var out []map[string]any
	for _, r := range a.List(recordType) {
		if r["externalId"] == eid {
			out = append(out, r)
		}
	}
	return out
}

// wantAPIError checks that err is a permanent NetSuite error with this
// status and code, and that the code survives in its text.
func wantAPIError(t *testing.T, err error, status int, code string) *netsuite.APIError {
	t.Helper()
	var e *netsuite.APIError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *netsuite.APIError", err, err)
	}
	if e.Status != status || e.Code() != code {
		t.Errorf("error is %d %s, want %d %s: %v", e.Status, e.Code(), status, code, err)
	}
	if !connectors.IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = false, want true", err)
	}
	if !strings.Contains(err.Error(), code) {
		t.Errorf("error text %q does not name %s", err, code)
	}
	return e
}

// orderLine is one sales order line: an item's internal id and a quantity.
type orderLine struct {
	item     string
	quantity int
}

// salesOrder is the body of a sales order for customer.
func salesOrder(customer string, lines ...orderLine) map[string]any {
	items := make([]any, len(lines))
	for i, l := range lines {
		items[i] = map[string]any{"item": map[string]any{"id": l.item}, "quantity": l.quantity}
	}
	return map[string]any{"entity": map[string]any{"id": customer}, "item": map[string]any{"items": items}}
}

func TestSandboxContractTBAReadsRecords(t *testing.T) {
	t.Parallel()
	acct, ns := newAccountAndClient(t, sandbox.Config{})
	ctx := t.Context()
	seeded := acct.seededCustomer(t)
	rec, err := ns.GetRecord(ctx, "customer", seeded["id"].(string), nil)
	if err != nil {
		t.Fatalf("GetRecord: %v", err)
	}
	if rec.String("companyName") != seeded["companyName"] || rec.Ref("subsidiary").ID == "" {
		t.Errorf("GetRecord = %v, want the seeded %v with its subsidiary", rec, seeded["companyName"])
	}

	const eid = "SF-001Dn00000TndmA"
	id, err := ns.UpsertRecord(ctx, "customer", eid, map[string]any{"companyName": "Eid Lookup Ltd", "subsidiary": map[string]any{"id": "1"}}, nil)
	if err != nil || id == "" {
		t.Fatalf("UpsertRecord = %q, %v", id, err)
	}
	byEid, err := ns.GetRecord(ctx, "customer", netsuite.ExternalID(eid), nil)
	if err != nil {
		t.Fatalf("GetRecord by external id: %v", err)
	}
	if byEid.String("id") != id || byEid.String("externalId") != eid || byEid.String("companyName") != "Eid Lookup Ltd" {
		t.Errorf("GetRecord(eid:%s) = %v, want customer %s", eid, byEid, id)
	}
	only, err := ns.GetRecord(ctx, "customer", netsuite.ExternalID(eid), &netsuite.GetOptions{Fields: []string{"companyName"}})
	if err != nil || only.String("companyName") != "Eid Lookup Ltd" || only.String("externalId") != "" {
		t.Errorf("GetRecord with fields=companyName = %v, %v; want the company name alone", only, err)
	}
	_, err = ns.GetRecord(ctx, "customer", netsuite.ExternalID("SF-nobody"), nil)
	wantAPIError(t, err, http.StatusNotFound, "NONEXISTENT_ID")
}

func TestSandboxContractTBAWrongTokenSecretIsInvalidLogin(t *testing.T) {
	t.Parallel()
	acct := newSandboxAccount(t, sandbox.Config{})
	creds := sandboxTBA()
	creds.TokenSecret = "not-the-token-secret"
	ns := acct.client(t, netsuite.Config{TBA: creds})
	_, err := ns.GetRecord(t.Context(), "customer", acct.seededCustomer(t)["id"].(string), nil)
	wantAPIError(t, err, http.StatusUnauthorized, "INVALID_LOGIN")
	// The client tries again with fresh signatures, then gives up.
	if got := acct.Stats().AuthFailures; got != netsuite.DefaultMaxAttempts {
		t.Errorf("%d refused logins, want %d", got, netsuite.DefaultMaxAttempts)
	}
}

func TestSandboxContractM2MCachesItsToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		newKey  func() (crypto.Signer, error)
		wantAlg string
	}{
		{"EC P-256", func() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }, "ES256"},
		{"RSA 3072", func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 3072) }, "PS256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key, err := tt.newKey()
			if err != nil {
				t.Fatal(err)
			}
			acct := newSandboxAccount(t, sandbox.Config{})
			acct.RegisterCertificate("tandem-cert-1", key.Public())
			ns := acct.client(t, netsuite.Config{M2M: &netsuite.M2MConfig{
				ClientID: sandbox.DefaultM2MClientID, CertificateID: "tandem-cert-1", PrivateKey: key}})
			callFourTimes(t, ns, acct.seededCustomer(t)["id"].(string))
			st := acct.Stats()
			if st.ByOperation["POST token"] != 1 || st.AuthFailures != 0 {
				t.Errorf("%d token requests and %d refusals for 4 calls, want 1 and 0", st.ByOperation["POST token"], st.AuthFailures)
			}
			if algs := acct.algs(); !slices.Equal(algs, []string{tt.wantAlg}) {
				t.Errorf("client assertions signed with %v, want [%s]", algs, tt.wantAlg)
			}
		})
	}
}

// callFourTimes reads a customer three times and the governance limits once.
func callFourTimes(t *testing.T, ns *netsuite.Client, customerID string) {
	t.Helper()
	ctx := t.Context()
	for range 3 {
		if _, err := ns.GetRecord(ctx, "customer", customerID, nil); err != nil {
			t.Fatalf("GetRecord: %v", err)
		}
	}
	if _, err := ns.GovernanceLimits(ctx); err != nil {
		t.Fatalf("GovernanceLimits: %v", err)
	}
}

func TestSandboxContractUpsertReplacesSalesOrderLines(t *testing.T) {
	t.Parallel()
	acct, ns := newAccountAndClient(t, sandbox.Config{})
	ctx := t.Context()
	const eid = "SF-006Dn00000Replace"
	customer := acct.seededCustomer(t)["id"].(string)
	created, err := ns.UpsertRecord(ctx, "salesOrder", eid, salesOrder(customer, orderLine{"1001", 2}, orderLine{"1002", 1}), nil)
	if err != nil {
		t.Fatalf("UpsertRecord (create): %v", err)
	}
	updated, err := ns.UpsertRecord(ctx, "salesOrder", eid, salesOrder(customer, orderLine{"1003", 5}), &netsuite.WriteOptions{Replace: []string{"item"}})
	if err != nil {
		t.Fatalf("UpsertRecord (update): %v", err)
	}
	if created == "" || updated != created {
		t.Errorf("upserts returned ids %q then %q, want the same order", created, updated)
	}
	rec, err := ns.GetRecord(ctx, "salesOrder", netsuite.ExternalID(eid), &netsuite.GetOptions{ExpandSubResources: true})
	if err != nil {
		t.Fatalf("GetRecord: %v", err)
	}
	lines := rec.Sublist("item")
	if len(lines) != 1 || lines[0].Ref("item").ID != "1003" || lines[0].Float("quantity") != 5 {
		t.Errorf("order lines = %v, want exactly item 1003 × 5", lines)
	}
	if orders := acct.withExternalID("salesOrder", eid); len(orders) != 1 {
		t.Errorf("%d sales orders with external id %s, want 1", len(orders), eid)
	}
}

func TestSandboxContractCreateUpdateDelete(t *testing.T) {
	t.Parallel()
	acct, ns := newAccountAndClient(t, sandbox.Config{})
	ctx := t.Context()
	id, err := ns.CreateRecord(ctx, "customer", map[string]any{"companyName": "Lifecycle Ltd", "subsidiary": map[string]any{"id": "2"}})
	if err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	if rec, ok := acct.Get("customer", id); !ok || rec["companyName"] != "Lifecycle Ltd" {
		t.Fatalf("the Location id %q does not name the new customer: %v", id, rec)
	}
	if err := ns.UpdateRecord(ctx, "customer", id, map[string]any{"email": "ap@lifecycle.example"}, nil); err != nil {
		t.Fatalf("UpdateRecord: %v", err)
	}
	if rec, _ := acct.Get("customer", id); rec["email"] != "ap@lifecycle.example" || rec["companyName"] != "Lifecycle Ltd" {
		t.Errorf("after the PATCH the customer is %v, want the email set and the name kept", rec)
	}
	if err := ns.DeleteRecord(ctx, "customer", id); err != nil {
		t.Fatalf("DeleteRecord: %v", err)
	}
	if _, ok := acct.Get("customer", id); ok {
		t.Error("the sandbox still holds the deleted customer")
	}
	_, err = ns.GetRecord(ctx, "customer", id, nil)
	wantAPIError(t, err, http.StatusNotFound, "NONEXISTENT_ID")
}

func TestSandboxContractSuiteQLReadsEveryPage(t *testing.T) {
	t.Parallel()
	const extra = 2500
	acct := newSandboxAccount(t, sandbox.Config{})
	for i := range extra {
		_, err := acct.Put("customer", map[string]any{"companyName": fmt.Sprintf("Paging Customer %04d", i), "subsidiary": map[string]any{"id": "1"}})
		if err != nil {
			t.Fatalf("sandbox Put: %v", err)
		}
	}
	want := map[string]string{} // id → company name
	for _, c := range acct.List("customer") {
		want[c["id"].(string)] = c["companyName"].(string)
	}
	ns := acct.client(t, netsuite.Config{})
	seen := map[string]int{}
	err := ns.SuiteQL(t.Context(), "SELECT id, companyname FROM customer ORDER BY id", nil, func(r netsuite.Row) error {
		seen[r.String("id")]++
		if r.String("companyname") != want[r.String("id")] {
			t.Errorf("row %s: companyname %q, want %q", r.String("id"), r.String("companyname"), want[r.String("id")])
		}
		return nil
	})
	if err != nil {
		t.Fatalf("SuiteQL: %v", err)
	}
	if len(seen) != len(want) {
		t.Errorf("SuiteQL saw %d customers, the sandbox holds %d", len(seen), len(want))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("customer %s came %d times", id, n)
		}
	}
	if pages, wantPages := acct.Stats().ByOperation["POST suiteql"], (len(want)+netsuite.MaxSuiteQLPage-1)/netsuite.MaxSuiteQLPage; pages != wantPages {
		t.Errorf("%d SuiteQL pages read, want %d", pages, wantPages)
	}
	rows, err := ns.SuiteQLAll(t.Context(), "SELECT id FROM customer WHERE companyname = ?", []any{"Paging Customer 1234"})
	if err != nil || len(rows) != 1 || want[rows[0].String("id")] != "Paging Customer 1234" {
		t.Errorf("bound query = %v, %v; want the one customer", rows, err)
	}
}

func TestSandboxContractGovernanceLimits(t *testing.T) {
	t.Parallel()
	acct := newSandboxAccount(t, sandbox.Config{ConcurrencyLimit: 7})
	g, err := acct.client(t, netsuite.Config{}).GovernanceLimits(t.Context())
	if err != nil {
		t.Fatalf("GovernanceLimits: %v", err)
	}
	if g.AccountConcurrencyLimit != 7 || g.IntegrationLimitType != netsuite.LimitAccount || g.Effective() != 7 {
		t.Errorf("GovernanceLimits = %+v (effective %d), want an account limit of 7", g, g.Effective())
	}
}

func TestSandboxContractInvalidItemIsPermanent(t *testing.T) {
	t.Parallel()
	acct, ns := newAccountAndClient(t, sandbox.Config{})
	ctx := t.Context()
	body := salesOrder(acct.seededCustomer(t)["id"].(string), orderLine{"1001", 1}, orderLine{"999999", 1})
	tests := []struct {
		name  string
		write func() error
	}{
		{"UpsertRecord", func() error { _, err := ns.UpsertRecord(ctx, "salesOrder", "SF-006BadItem", body, nil); return err }},
		{"CreateRecord", func() error { _, err := ns.CreateRecord(ctx, "salesOrder", body); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.write()
			e := wantAPIError(t, err, http.StatusBadRequest, "INVALID_CONTENT")
			const path = "item.items[1].item"
			if len(e.Details) == 0 || e.Details[0].Path != path || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q (details %+v) does not point at %s", err, e.Details, path)
			}
		})
	}
	if orders := acct.List("salesOrder"); len(orders) != 0 {
		t.Errorf("the refused orders were written: %d sales orders", len(orders))
	}
}

// The sandbox's governor refuses a third concurrent request; a shared
// Redis semaphore of the same size keeps the client under it.
func TestSandboxContractConcurrencyLimit(t *testing.T) {
	t.Parallel()
	const limit, calls = 2, 12
	cfg := sandbox.Config{ConcurrencyLimit: limit, Latency: 200 * time.Millisecond}

	t.Run("no limiter", func(t *testing.T) {
		t.Parallel()
		acct := newSandboxAccount(t, cfg)
		errs := parallelGets(t.Context(), acct.client(t, netsuite.Config{}), acct.seededCustomer(t)["id"].(string), calls)
		succeeded, throttled := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				succeeded++
			case isConcurrencyThrottle(err):
				throttled++
			default:
				t.Errorf("call failed with %v, want success or a concurrency ThrottleError", err)
			}
		}
		st := acct.Stats()
		if st.Rejected429 == 0 || succeeded < limit {
			t.Errorf("%d 429s, %d successes: want 429s and at least %d successes", st.Rejected429, succeeded, limit)
		}
		// Every 429 either ended a call as a ThrottleError or was tried again in place.
		if got, want := st.ByOperation["GET customer"], calls+st.Rejected429-throttled; got != want {
			t.Errorf("%d GETs reached the sandbox, want %d (%d calls + %d 429s - %d throttled)", got, want, calls, st.Rejected429, throttled)
		}
	})

	t.Run("Redis semaphore", func(t *testing.T) {
		t.Parallel()
		acct := newSandboxAccount(t, cfg)
		sem, err := throttle.NewSemaphore(testredis.New(t).Client, throttle.SemaphoreConfig{
			Key: "tandem:throttle:netsuite:" + sandbox.DefaultAccountID + ":slots", Limit: limit,
			MaxWait: time.Minute, System: "netsuite"}) // waits are not what this test measures
		if err != nil {
			t.Fatal(err)
		}
		for i, err := range parallelGets(t.Context(), acct.client(t, netsuite.Config{Limiter: sem}), acct.seededCustomer(t)["id"].(string), calls) {
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}
		if st := acct.Stats(); st.Rejected429 != 0 || st.ByOperation["GET customer"] != calls {
			t.Errorf("%d 429s and %d GETs, want 0 and %d", st.Rejected429, st.ByOperation["GET customer"], calls)
		}
	})
}

// parallelGets reads a customer n times at once and returns each call's error.
func parallelGets(ctx context.Context, ns *netsuite.Client, id string, n int) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = ns.GetRecord(ctx, "customer", id, nil) })
	}
	wg.Wait()
	return errs
}

func isConcurrencyThrottle(err error) bool {
	var te *connectors.ThrottleError
	var e *netsuite.APIError
	return errors.As(err, &te) && te.System == "netsuite" && te.Reason == "CONCURRENCY_LIMIT_EXCEEDED" &&
		errors.As(err, &e) && e.Status == http.StatusTooManyRequests
}

// Half of all requests fail with a 500, half of those after the write
// committed; upserts by external id retried in place still leave one
// order each. The seed fixes which requests fail; MaxAttempts is raised so
// that no upsert runs out of attempts on an unlucky streak.
func TestSandboxContractUpsertSurvivesServerErrors(t *testing.T) {
	t.Parallel()
	const orders = 12
	acct := newSandboxAccount(t, sandbox.Config{Faults: sandbox.Faults{Rate5xx: 0.5, Rand: 42}})
	var mu sync.Mutex
	created, edited := 0, 0
	acct.OnChange(func(ev sandbox.ChangeEvent) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Type {
		case sandbox.ChangeCreate:
			created++
		case sandbox.ChangeEdit:
			edited++
		}
	})
	ns := acct.client(t, netsuite.Config{MaxAttempts: 10})
	customer := acct.seededCustomer(t)["id"].(string)
	for i := range orders {
		eid := fmt.Sprintf("SF-006Dn0000Fault%02d", i)
		id, err := ns.UpsertRecord(t.Context(), "salesOrder", eid, salesOrder(customer, orderLine{"1001", i + 1}), nil)
		if err != nil {
			t.Fatalf("UpsertRecord %s: %v", eid, err)
		}
		if got := acct.withExternalID("salesOrder", eid); len(got) != 1 || got[0]["id"] != id {
			t.Errorf("%s: %d orders, want exactly the one with id %s", eid, len(got), id)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if st := acct.Stats(); st.Injected5xx == 0 || created != orders || edited == 0 {
		t.Errorf("%d injected 500s, %d creates, %d edits: want 500s, %d creates and edits by retries after a lost answer",
			st.Injected5xx, created, edited, orders)
	}
}
