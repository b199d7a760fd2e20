package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	validator "github.com/pb33f/libopenapi-validator"
	oaerrors "github.com/pb33f/libopenapi-validator/errors"
	tandemconfig "github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/openapitest"
	"github.com/tandem-sync/tandem/jobs"
)

// Credentials of the process under test.
const (
	specAdminToken    = "spec-admin-token-0123456789"
	specOutboundToken = "spec-outbound-token"
	specEventsToken   = "spec-events-token"
	specNSSecret      = "spec-netsuite-secret"
)

// awaitingWiring are route prefixes the spec describes that app.router
// does not serve yet. Their exchanges are skipped, except /admin and
// /monitoring, which are checked on a router built from adminRoutes()
// beside the process's own. Once a route is served the test fails until
// it is taken off this list, and its checks then run for real.
var awaitingWiring []string

// notInSpec are route prefixes the router serves that the spec leaves out
// on purpose: the sandboxes speak Salesforce's and NetSuite's own APIs.
var notInSpec = []string{sandboxSalesforcePath, sandboxNetSuitePath}

// TestOpenAPIDescribesTheServer: api/openapi.yaml is valid OpenAPI 3.1,
// names every route the router serves, and every real answer of the
// running server, good or refused, matches it.
func TestOpenAPIDescribesTheServer(t *testing.T) {
	v, specRoutes := loadSpec(t)
	h := startTandem(t, "TANDEM_ADMIN_TOKEN", specAdminToken, "TANDEM_SF_OUTBOUND_TOKEN", specOutboundToken,
		"TANDEM_SF_EVENTS_TOKEN", specEventsToken, "TANDEM_NS_WEBHOOK_SECRET", specNSSecret)
	checkRouteCoverage(t, h.p.app, h.p.http.Handler.(chi.Routes), specRoutes)

	live := httptest.NewServer(h.p.http.Handler)
	defer live.Close()
	down := httptest.NewServer(redisDownTandem(t, h.p.app.cfg))
	defer down.Close()
	review := seedReviewItem(t, h)

	for _, x := range specExchanges(h, review) {
		t.Run(x.name, func(t *testing.T) {
			if prefix, waiting := underPrefix(x.path, awaitingWiring); waiting {
				t.Skipf("%s is not wired into app.router yet (awaitingWiring)", prefix)
			}
			base := live.URL
			if x.redisDown {
				base = down.URL
			}
			x.check(t, v, base)
		})
	}
}

// exchange is one real request and the status it must get.
type exchange struct {
	name         string
	method, path string
	header       http.Header
	body         []byte
	want         int
	redisDown    bool                    // sent to a Tandem whose Redis is gone
	validRequest bool                    // the request itself must conform too
	look         func(body []byte) error // an extra check of the answer
}

func (x exchange) request(base string) *http.Request {
	req, _ := http.NewRequest(x.method, base+x.path, bytes.NewReader(x.body))
	for k, vs := range x.header {
		req.Header[k] = vs
	}
	return req
}

// check sends x and validates the answer against the spec.
func (x exchange) check(t *testing.T, v validator.Validator, base string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(x.request(base))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != x.want {
		t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, x.want, body)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if ok, errs := v.ValidateHttpResponse(x.request(base), resp); !ok {
		t.Errorf("answer does not match the spec (%s, %.200s):\n%s", resp.Header.Get("Content-Type"), body, describeErrors(errs))
	}
	if x.validRequest {
		if ok, errs := v.ValidateHttpRequest(x.request(base)); !ok {
			t.Errorf("request does not match the spec:\n%s", describeErrors(errs))
		}
	}
	if x.look != nil {
		if err := x.look(body); err != nil {
			t.Error(err)
		}
	}
}

func specExchanges(h *harness, review jobs.ReviewItem) []exchange {
	opp := str(h.openOpportunities(1)[0], "Id")
	bigXML := append([]byte("<x>"), bytes.Repeat([]byte("a"), handlers.MaxBodyBytes)...)
	soap := http.Header{"Content-Type": {"text/xml; charset=utf-8"}}
	outbound := handlers.PathSalesforceOutbound + "?token=" + specOutboundToken
	goodMessage := outboundMessage(sandboxOrgID, "04l5e0000SPEC01AAA", opp)
	resolve := handlers.PrefixAdmin + "/review/" + review.ID + "/resolve"
	return slices.Concat([]exchange{
		{name: "healthz", method: "GET", path: handlers.PathHealth, want: 200, validRequest: true},
		{name: "readyz", method: "GET", path: handlers.PathReady, want: 200, validRequest: true},
		{name: "readyz redis down", method: "GET", path: handlers.PathReady, want: 503, redisDown: true},
		{name: "metrics", method: "GET", path: handlers.PathMetrics, want: 200, validRequest: true},

		{name: "outbound ack", method: "POST", path: outbound, header: soap, body: goodMessage, want: 200, validRequest: true},
		{name: "outbound no token", method: "POST", path: handlers.PathSalesforceOutbound, header: soap, body: goodMessage, want: 401},
		{name: "outbound other org", method: "POST", path: outbound, header: soap, body: outboundMessage("00D5e000000OTHREAA", "04l5e0000SPEC02AAA", opp), want: 403},
		{name: "outbound not soap", method: "POST", path: outbound, header: soap, body: []byte("<html/>"), want: 400},
		{name: "outbound over 1 MiB", method: "POST", path: outbound, header: soap, body: bigXML, want: 413},
		{name: "outbound redis down", method: "POST", path: outbound, header: soap, body: goodMessage, want: 503, redisDown: true},
	}, eventsExchanges(), netsuiteExchanges(), adminExchanges(resolve, review.Candidates[0].ID))
}

func eventsExchanges() []exchange {
	path := handlers.PathSalesforceEvents
	event := []byte(fmt.Sprintf(`{"schema":"IeRuaY6cbI_HsV8Rv1Mc5g","payload":{"ChangeEventHeader":{"entityName":"Account",`+
		`"recordIds":["0015e00000SPEC1AAA"],"changeType":"UPDATE","changeOrigin":"com/salesforce/api/rest/62.0;client=sfdx",`+
		`"transactionKey":"0001a2b3-0000-0000-0000-000000000001","sequenceNumber":1,"commitTimestamp":%d,`+
		`"commitUser":"0055e0000000001AAA","commitNumber":10832042834831,"changedFields":["Name","LastModifiedDate"]},`+
		`"Name":"Acme Corp","LastModifiedDate":"2026-11-27T10:00:00.000Z"},"event":{"replayId":15529395}}`, time.Now().UnixMilli()))
	bearer := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + specEventsToken}}
	return []exchange{
		{name: "events accepted", method: "POST", path: path, header: bearer, body: event, want: 200, validRequest: true},
		{name: "events no bearer", method: "POST", path: path, header: http.Header{"Content-Type": {"application/json"}}, body: event, want: 401},
		{name: "events not json", method: "POST", path: path, header: bearer, body: []byte(`{"payload":`), want: 400},
		{name: "events over 1 MiB", method: "POST", path: path, header: bearer, body: bytes.Repeat([]byte(" "), handlers.MaxBodyBytes+1), want: 413},
		{name: "events redis down", method: "POST", path: path, header: bearer, body: event, want: 503, redisDown: true},
	}
}

func netsuiteExchanges() []exchange {
	path := handlers.PathNetSuiteWebhook
	modified := time.Now().UTC().Format(time.RFC3339)
	event := []byte(`{"eventId":"1234567_SB1:customer:1207:edit:` + modified + `","accountId":"1234567_SB1","recordType":"customer",` +
		`"recordId":"1207","eventType":"edit","lastModifiedDate":"` + modified + `","executionContext":"USERINTERFACE",` +
		`"userId":"-5","roleId":"3","fields":{"companyname":"Acme Corp"}}`)
	invalid := []byte(`{"eventId":"x","accountId":"1234567_SB1","recordType":"customer","recordId":"twelve","eventType":"touch"}`)
	signed := func(body []byte) http.Header {
		return http.Header{"Content-Type": {"application/json"}, handlers.SignatureHeader: {handlers.Sign(specNSSecret, time.Now(), body)}}
	}
	return []exchange{
		{name: "netsuite accepted", method: "POST", path: path, header: signed(event), body: event, want: 200, validRequest: true},
		{name: "netsuite bad signature", method: "POST", path: path, header: signed([]byte("other body")), body: event, want: 401},
		{name: "netsuite invalid body", method: "POST", path: path, header: signed(invalid), body: invalid, want: 400},
		{name: "netsuite over 1 MiB", method: "POST", path: path, header: signed(nil), body: bytes.Repeat([]byte(" "), handlers.MaxBodyBytes+1), want: 413},
		{name: "netsuite redis down", method: "POST", path: path, header: signed(event), body: event, want: 503, redisDown: true},
	}
}

func adminExchanges(resolve, choice string) []exchange {
	bearer := http.Header{"Authorization": {"Bearer " + specAdminToken}, "Content-Type": {"application/json"}}
	basic := http.Header{"Authorization": {"Basic " + basicAuth("ops", specAdminToken)}}
	return []exchange{
		{name: "admin jobs", method: "GET", path: handlers.PathAdminJobs, header: bearer, want: 200, validRequest: true},
		{name: "admin jobs basic auth", method: "GET", path: handlers.PathAdminJobs + "?state=pending&queue=ns_to_sf&limit=5", header: basic, want: 200, validRequest: true},
		{name: "admin jobs no token", method: "GET", path: handlers.PathAdminJobs, want: 401},
		{name: "admin jobs bad state", method: "GET", path: handlers.PathAdminJobs + "?state=done", header: bearer, want: 400},
		{name: "admin jobs redis down", method: "GET", path: handlers.PathAdminJobs, header: bearer, want: 503, redisDown: true},
		{name: "admin replay dry run", method: "POST", path: handlers.PathAdminReplay, header: bearer, body: []byte(`{"all":true,"dry_run":true}`), want: 200, validRequest: true},
		{name: "admin replay by filter", method: "POST", path: handlers.PathAdminReplay, header: bearer, body: []byte(`{"filter":{"type":"f1","older_than":"1h"}}`), want: 200, validRequest: true},
		{name: "admin replay nothing chosen", method: "POST", path: handlers.PathAdminReplay, header: bearer, body: []byte(`{"dry_run":true}`), want: 400},
		{name: "admin replay too big", method: "POST", path: handlers.PathAdminReplay, header: bearer, body: bytes.Repeat([]byte(" "), 65<<10), want: 413},
		{name: "admin replay no token", method: "POST", path: handlers.PathAdminReplay, body: []byte(`{"all":true}`), want: 401},
		{name: "admin review", method: "GET", path: handlers.PathAdminReview, header: bearer, want: 200, validRequest: true},
		{name: "admin review bad state", method: "GET", path: handlers.PathAdminReview + "?state=closed", header: bearer, want: 400},
		{name: "admin review item", method: "GET", path: strings.TrimSuffix(resolve, "/resolve"), header: bearer, want: 200, validRequest: true},
		{name: "admin review unknown item", method: "GET", path: handlers.PrefixAdmin + "/review/f2:account_to_customer:nope", header: bearer, want: 404},
		{name: "admin resolve stranger", method: "POST", path: resolve, header: bearer, body: []byte(`{"choice":"0015e00000STRANGER"}`), want: 400},
		{name: "admin resolve", method: "POST", path: resolve, header: bearer, body: []byte(`{"choice":"` + choice + `"}`), want: 200, validRequest: true},
		{name: "admin resolve twice", method: "POST", path: resolve, header: bearer, body: []byte(`{"choice":"create"}`), want: 409},
		{name: "monitoring ui", method: "GET", path: handlers.PrefixMonitoring + "/", header: basic, want: 200, validRequest: true},
		{name: "monitoring no token", method: "GET", path: handlers.PrefixMonitoring + "/", want: 401},
		{name: "monitoring queues", method: "GET", path: handlers.PrefixMonitoring + "/api/queues", header: basic, want: 200, validRequest: true, look: hasTandemQueues},
	}
}

// hasTandemQueues: Asynqmon lists every queue of Tandem's, idle or not.
func hasTandemQueues(body []byte) error {
	var got struct {
		Queues []struct {
			Queue string `json:"queue"`
		} `json:"queues"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return fmt.Errorf("asynqmon queues: %w", err)
	}
	var names []string
	for _, q := range got.Queues {
		names = append(names, q.Queue)
	}
	for _, want := range jobs.QueueNames() {
		if !slices.Contains(names, want) {
			return fmt.Errorf("asynqmon lists queues %v, missing %s", names, want)
		}
	}
	return nil
}

// loadSpec loads api/openapi.yaml with the files it references, checks it
// against the OpenAPI 3.1 schema and returns a validator and its routes
// ("METHOD /path").
func loadSpec(t *testing.T) (validator.Validator, []string) {
	t.Helper()
	doc, v := openapitest.Load(t)
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.1") {
		t.Fatalf("api/openapi.yaml is OpenAPI %s, want 3.1", v)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		t.Fatalf("api/openapi.yaml is not valid OpenAPI 3.1:\n%s", describeErrors(errs))
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("building the model: %v", err)
	}
	var routes []string
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			routes = append(routes, strings.ToUpper(method)+" "+path)
		}
	}
	return v, routes
}

// checkRouteCoverage fails on a route the router (or the admin API it
// mounts) serves that the spec lacks, and on a spec route that is
// neither served nor awaiting wiring.
func checkRouteCoverage(t *testing.T, a *app, router chi.Routes, spec []string) {
	t.Helper()
	admin, _, _, err := a.adminRoutes()
	if err != nil || admin == nil {
		t.Fatalf("adminRoutes: %v", err)
	}
	var served []string
	walk := func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		served = append(served, method+" "+route)
		return nil
	}
	if err := chi.Walk(router, walk); err != nil {
		t.Fatal(err)
	}
	if err := chi.Walk(admin.(chi.Routes), walk); err != nil {
		t.Fatal(err)
	}
	for _, r := range served {
		method, path, _ := strings.Cut(r, " ")
		switch {
		case isUnder(path, notInSpec):
		case strings.HasSuffix(path, "/*"): // a mounted tree: the spec must describe some of it
			if !slices.ContainsFunc(spec, func(s string) bool { return strings.Contains(s, " "+strings.TrimSuffix(path, "*")) }) {
				t.Errorf("the router mounts %s; api/openapi.yaml describes nothing under it", path)
			}
		case !slices.Contains(spec, method+" "+path):
			t.Errorf("the router serves %s %s; api/openapi.yaml does not describe it", method, path)
		}
	}
	for _, r := range spec {
		method, path, _ := strings.Cut(r, " ")
		isServed := router.Match(chi.NewRouteContext(), method, path)
		prefix, waiting := underPrefix(path, awaitingWiring)
		switch {
		case isServed && waiting:
			t.Errorf("app.router now serves %s: take %s off awaitingWiring so its checks run on the process", r, prefix)
		case !isServed && !waiting:
			t.Errorf("api/openapi.yaml describes %s, which the router does not serve", r)
		}
	}
}

// redisDownTandem is Tandem's router, admin routes included, over a
// Redis that does not answer.
func redisDownTandem(t *testing.T, cfg *tandemconfig.Config) http.Handler {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0") // a port nobody answers on once closed
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r, err := jobs.OpenRedis("redis://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: logging.Discard(), redis: r, metrics: newMetrics(nil, r)}
	t.Cleanup(a.close)
	enq := a.enqueuer()
	return a.router(enq, &sandboxes{})
}

func isUnder(path string, prefixes []string) bool {
	_, ok := underPrefix(path, prefixes)
	return ok
}

// underPrefix returns the first of prefixes that path is or lies under.
func underPrefix(path string, prefixes []string) (string, bool) {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return p, true
		}
	}
	return "", false
}

func seedReviewItem(t *testing.T, h *harness) jobs.ReviewItem {
	t.Helper()
	item, err := jobs.NewReviewStore(h.p.app.redis.Client).Add(context.Background(), jobs.ReviewItem{
		Flow:   jobs.TypeAccountToCustomer,
		Source: jobs.ReviewRecord{System: "salesforce", Object: "Account", ID: "0015e00000SPEC1AAA", Name: "Acme Corp"},
		Candidates: []jobs.Candidate{
			{System: "netsuite", Object: "customer", ID: "1207", Name: "ACME Corp.", Why: "same name"},
			{System: "netsuite", Object: "customer", ID: "1388", Name: "Acme Corporation", Why: "same email domain"},
		},
		Reason: "two NetSuite customers match and none carries the account id",
		TaskID: "f2:account_to_customer:sf:spec",
	})
	if err != nil {
		t.Fatal(err)
	}
	return item
}

func basicAuth(user, password string) string {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(user, password)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

func describeErrors(errs []*oaerrors.ValidationError) string { return openapitest.Describe(errs) }

func moduleRoot(t *testing.T) string { return testfixtures.ModuleRoot(t) }
