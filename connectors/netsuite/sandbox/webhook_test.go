package sandbox

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/tandem-sync/tandem/connectors/internal/delivery"
	"go.uber.org/goleak"
)

// The signer and the JSON encoder reproduce the vector the shipped
// script's Jest suite pins (deploy/netsuite/testdata/signature-vector.json).
func TestWebhookSignatureVector(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot(t), "deploy", "netsuite", "testdata", "signature-vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vector struct {
		Secret, Body, Header string
		Timestamp            int64
	}
	if err := json.Unmarshal(raw, &vector); err != nil {
		t.Fatal(err)
	}
	if got := delivery.Signature(vector.Secret, vector.Timestamp, []byte(vector.Body)); got != vector.Header {
		t.Fatalf("signature\n got %s\nwant %s", got, vector.Header)
	}
	fields := jsObject("companyname", "Müller & Söhne GmbH", "creditholdoverride", "ON", "overduebalance", 830.25, "addressbook", true)
	event := jsObject("eventId", "1234567_SB1:customer:412:edit:2026-01-15T10:06:00Z", "accountId", "1234567_SB1",
		"recordType", "customer", "recordId", "412", "eventType", "edit", "lastModifiedDate", "2026-01-15T10:06:00Z",
		"executionContext", "USERINTERFACE", "userId", "17", "roleId", "3", "fields", fields)
	if got := string(scriptJSON(event)); got != vector.Body {
		t.Fatalf("JSON\n got %s\nwant %s", got, vector.Body)
	}
}

func TestScriptJSONIsJSONStringify(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{"a&b<c>\u2028\"\\\n\t\x01é", `"a&b<c>` + "\u2028" + `\"\\\n\t\u0001é"`},
		{1e21, "1e+21"}, {1.5e-7, "1.5e-7"}, {0.000001, "0.000001"}, {50000.0, "50000"},
		{math.Copysign(0, -1), "0"}, {830.25, "830.25"}, {[]any{nil, true}, "[null,true]"},
	} {
		if got := string(scriptJSON(c.in)); got != c.want {
			t.Errorf("%#v: got %s, want %s", c.in, got, c.want)
		}
	}
}

// Tandem's own REST writes come back with RESTWEBSERVICES and the
// integration role, unless the script is told to skip that role.
func TestTandemsRESTWritesAreReported(t *testing.T) {
	for _, skip := range []bool{false, true} {
		rc := newHookReceiver(t, acceptAll)
		cfg := fastWebhooks(rc.URL)
		cfg.IntegrationRoleID, cfg.SkipIntegrationWrites = "1099", skip
		a := newTestAccount(t, Config{Webhook: cfg})
		a.do(http.MethodPatch, recordPath+"customer/102", map[string]any{"phone": "+1 555 0199"})
		if _, err := a.srv.Put("customer", map[string]any{"id": "102", "comments": "from the UI"}); err != nil {
			t.Fatal(err)
		}
		waitWebhooks(t, a.srv)
		var got []string
		for _, p := range rc.accepted() {
			got = append(got, p.event.ExecutionContext+" "+p.event.UserID+" "+p.event.RoleID)
		}
		want, skipped := []string{"RESTWEBSERVICES -5 1099", "USERINTERFACE -5 3"}, 0
		if skip {
			want, skipped = want[1:], 1
		}
		if !slices.Equal(got, want) {
			t.Errorf("skip=%v: webhooks %v, want %v", skip, got, want)
		}
		if st := a.srv.WebhookStats(); st.Skipped != skipped || st.Delivered != len(want) {
			t.Errorf("skip=%v: stats %+v", skip, st)
		}
	}
}

// A receiver that fails three times then accepts gets every event once
// accepted, in commit order, each attempt signed.
func TestWebhooksResentUntilAccepted(t *testing.T) {
	rc := newHookReceiver(t, func(n int) int {
		return []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusUnauthorized, http.StatusOK}[min(n, 3)]
	})
	a := newTestAccount(t, Config{Webhook: fastWebhooks(rc.URL)})
	var want []string
	for i, id := range []string{"102", "103", "102", "104", "103"} {
		phone := "+1 555 02" + string(rune('0'+i))
		a.do(http.MethodPatch, recordPath+"customer/"+id, map[string]any{"phone": phone})
		want = append(want, id+" "+phone)
	}
	waitWebhooks(t, a.srv)
	var got []string
	for _, p := range rc.accepted() {
		got = append(got, p.event.RecordID+" "+p.event.Fields["phone"].(string))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("accepted\n got %v\nwant %v", got, want)
	}
	all := rc.all()
	for _, p := range all {
		if !validSignature(p.header.Get("X-Tandem-Signature"), DefaultWebhookSecret, p.raw) || p.header.Get("Content-Type") != "application/json" {
			t.Errorf("attempt headers %v", p.header)
		}
	}
	if all[0].raw != all[3].raw {
		t.Errorf("the re-sent event changed:\n%s\n%s", all[0].raw, all[3].raw)
	}
	if st := a.srv.WebhookStats(); st != (WebhookStats{Queued: 5, Sent: 8, Delivered: 5, Failed: 3}) {
		t.Errorf("stats %+v", st)
	}
}

func TestWebhooksNeedURLAndDeployment(t *testing.T) {
	rc := newHookReceiver(t, acceptAll)
	a := newTestAccount(t, Config{Webhook: WebhookConfig{RecordTypes: []string{"contact"}}})
	a.do(http.MethodPatch, recordPath+"customer/102", map[string]any{"phone": "1"})
	contact := a.created("contact", map[string]any{"lastName": "Before", "company": ref1("102")})
	a.srv.SetWebhookURL(rc.URL)
	a.do(http.MethodPatch, recordPath+"customer/102", map[string]any{"phone": "2"})
	a.do(http.MethodPatch, recordPath+"contact/"+contact, map[string]any{"lastName": "After"})
	waitWebhooks(t, a.srv)
	if got := rc.accepted(); len(got) != 1 || got[0].event.RecordType != "contact" || got[0].event.Fields["lastname"] != "After" {
		t.Fatalf("posted %+v; want only the contact edit made after SetWebhookURL", got)
	}
	if _, err := New(Config{Webhook: WebhookConfig{RecordTypes: []string{"salesOrder"}}}); err == nil {
		t.Error("New accepted a record type spelled the REST way, which no script deployment has")
	}
}

func TestInlineEdit(t *testing.T) {
	rc := newHookReceiver(t, acceptAll)
	a := newTestAccount(t, Config{Webhook: fastWebhooks(rc.URL)})
	var rec recorder
	a.srv.OnChange(rec.add)
	if err := a.srv.PutFields("customer", "102", map[string]any{"email": "billing@acme.example", "overdueBalance": 12.5}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []map[string]any{{"addressBook": map[string]any{}}, {"nosuchfield": 1}, {}} {
		if err := a.srv.PutFields("customer", "102", bad); err == nil {
			t.Errorf("PutFields accepted %v", bad)
		}
	}
	if err := a.srv.PutFields("customer", "99999", map[string]any{"email": "x@y.example"}); err == nil {
		t.Error("PutFields edited a record that does not exist")
	}
	waitWebhooks(t, a.srv)
	evs := rec.all()
	if len(evs) != 1 || evs[0].Type != ChangeXEdit || !reflect.DeepEqual(evs[0].Edited, []string{"email", "overduebalance"}) ||
		evs[0].NewRecord["email"] != "billing@acme.example" || evs[0].ExecutionContext != ContextUI {
		t.Fatalf("change events %+v", evs)
	}
	got := rc.accepted()
	if len(got) != 1 || got[0].event.EventType != "xedit" ||
		!reflect.DeepEqual(got[0].event.Fields, map[string]any{"email": "billing@acme.example", "overduebalance": 12.5}) {
		t.Fatalf("webhooks %+v", got)
	}
}

func TestCloseStopsWebhooks(t *testing.T) {
	before := goleak.IgnoreCurrent()
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	rc := newHookReceiver(t, func(int) int {
		arrived <- struct{}{}
		<-release
		return http.StatusOK
	})
	s, err := New(Config{Webhook: fastWebhooks(rc.URL)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutFields("customer", "102", map[string]any{"email": "a@b.example"}); err != nil {
		t.Fatal(err)
	}
	<-arrived
	s.Close() // must not wait for the receiver
	s.Close()
	if err := s.PutFields("customer", "102", map[string]any{"email": "c@d.example"}); err != nil {
		t.Fatalf("writes after Close: %v", err)
	}
	close(release)
	rc.Close()
	goleak.VerifyNone(t, before)
}

func TestUnconfiguredSandboxStartsNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutFields("customer", "102", map[string]any{"email": "a@b.example"}); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t, before)
	s.Close()
}
