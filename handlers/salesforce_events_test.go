package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

const (
	testEventsToken     = "tok_events_7f3c2a9d41e8b6"
	testEventsSecret    = "whsec_events_test_secret"
	testIntegrationUser = "0055e000000TndIAAS" // 18 characters
	typeDistributor     = "test:distributor"
)

var eventsTestNow = time.Date(2026, 11, 27, 10, 10, 0, 0, time.UTC)

func testSalesforceRoute(object string) (string, bool) {
	switch object {
	case "Account":
		return jobs.TypeAccountToCustomer, true
	case "Contact":
		return jobs.TypeContactToNSContact, true
	case "Distributor__c":
		return typeDistributor, true
	}
	return "", false
}

func newSalesforceEvents(t *testing.T, opt asynq.RedisConnOpt, configure func(*SalesforceEvents)) (*jsonWebhook, *SalesforceEvents) {
	t.Helper()
	var handler *SalesforceEvents
	in := serveJSONWebhook(t, opt, PathSalesforceEvents, func(enq ChangeEnqueuer, log *slog.Logger) http.Handler {
		handler = &SalesforceEvents{
			Token:             testEventsToken,
			OrgID:             testOrg,
			IntegrationUserID: testIntegrationUser,
			Route:             testSalesforceRoute,
			Enqueuer:          enq,
			Logger:            log,
			Now:               func() time.Time { return eventsTestNow },
		}
		if configure != nil {
			configure(handler)
		}
		return handler
	})
	return in, handler
}

var bearer = []string{"Authorization", "Bearer " + testEventsToken}

// counts is a result without its notes.
func counts(r SalesforceEventsResult) [4]int {
	return [4]int{r.Accepted, r.Duplicates, r.Dropped, r.Ignored}
}

func eventsFixture(t testing.TB, name string) []byte {
	return readWebhookTestdata(t, "salesforce-events", name)
}

// jsonArray joins events into one body.
func jsonArray(events ...[]byte) []byte {
	return append(append([]byte("["), bytes.Join(events, []byte(","))...), ']')
}

// withHeader returns a change event with header fields replaced.
func withHeader(t *testing.T, event []byte, replace map[string]any) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		t.Fatal(err)
	}
	hdr := ev["payload"].(map[string]any)["ChangeEventHeader"].(map[string]any)
	for k, v := range replace {
		hdr[k] = v
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSalesforceEventsEnqueueAChangeEvent(t *testing.T) {
	in, h := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	res := acceptedAs[SalesforceEventsResult](t, in.post(t, eventsFixture(t, "account-update.json"), bearer...))
	if counts(res) != counts(SalesforceEventsResult{Accepted: 1}) {
		t.Fatalf("result %+v", res)
	}
	tasks := in.tasks(t)
	if len(tasks) != 1 {
		t.Fatalf("%d tasks, want 1", len(tasks))
	}
	if want := "f2:account_to_customer:sf:00D5e000000TNDM:0015e00000TndAcAAC:15529395"; tasks[0].ID != want {
		t.Errorf("task id %s, want %s", tasks[0].ID, want)
	}
	ch := taskChange(t, tasks[0])
	if ch.Source != jobs.SourceSalesforceCDC || ch.OrgID != testOrg || ch.Object != "Account" || ch.RecordID != "0015e00000TndAcAAC" ||
		ch.EventID != "15529395" || ch.ChangeType != jobs.ChangeUpdate || ch.CommitUser != "0055e000000AdmnAAC" ||
		ch.Origin != "com/salesforce/api/soap/62.0;client=SfdcInternalAPI/" || ch.CorrelationID == "" || !ch.ReceivedAt.Equal(eventsTestNow) ||
		!ch.LastModified.Equal(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("change %+v", ch)
	}
	if got := strings.Join(ch.ChangedFields, ","); got != "BillingAddress.City,LastModifiedDate" {
		t.Errorf("changed fields %s", got)
	}
	if city := ch.Values["BillingAddress"].(map[string]any)["City"]; city != "Hamburg" || ch.Values["ChangeEventHeader"] != nil {
		t.Errorf("values %v", ch.Values)
	}
	if s := h.Stats(); s != (EventStats{Accepted: 1}) {
		t.Errorf("stats %+v", s)
	}
	// The forwarder re-sends: nothing new.
	if res := acceptedAs[SalesforceEventsResult](t, in.post(t, eventsFixture(t, "account-update.json"), bearer...)); counts(res) != counts(SalesforceEventsResult{Duplicates: 1}) {
		t.Errorf("re-send: %+v", res)
	}
	if n := len(in.tasks(t)); n != 1 {
		t.Errorf("%d tasks after a re-send", n)
	}
}

func TestSalesforceEventsOneJobPerRecordID(t *testing.T) {
	in, _ := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	res := acceptedAs[SalesforceEventsResult](t, in.post(t, eventsFixture(t, "contact-update-two-records.json"), bearer...))
	if counts(res) != counts(SalesforceEventsResult{Accepted: 2}) {
		t.Fatalf("result %+v", res)
	}
	want := []string{
		"f2:contact_to_nscontact:sf:00D5e000000TNDM:0035e00000TndC1AAK:15529397",
		"f2:contact_to_nscontact:sf:00D5e000000TNDM:0035e00000TndC2AAK:15529397",
	}
	tasks := in.tasks(t)
	if got := taskIDs(tasks); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("tasks %v, want %v", got, want)
	}
	for _, task := range tasks {
		if ch := taskChange(t, task); ch.Values["Title"] != "Head of Procurement" || ch.ChangeType != jobs.ChangeUpdate {
			t.Errorf("%s: %+v", task.ID, ch)
		}
	}
}

// A create lists no changedFields: every field it carries changed,
// compound fields by component.
func TestSalesforceEventsCreateListsTheFieldsItCarries(t *testing.T) {
	in, _ := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	acceptedAs[SalesforceEventsResult](t, in.post(t, eventsFixture(t, "account-create.json"), bearer...))
	tasks := in.tasks(t)
	if len(tasks) != 1 {
		t.Fatalf("%d tasks", len(tasks))
	}
	ch := taskChange(t, tasks[0])
	want := "BillingAddress.City,BillingAddress.Country,BillingAddress.PostalCode,BillingAddress.Street,CreatedById,CreatedDate," +
		"LastModifiedById,LastModifiedDate,Name,OwnerId"
	if got := strings.Join(ch.ChangedFields, ","); ch.ChangeType != jobs.ChangeCreate || got != want {
		t.Errorf("%s with fields %s, want %s", ch.ChangeType, got, want)
	}
}

func TestSalesforceEventsDropOwnChanges(t *testing.T) {
	in, h := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	event := eventsFixture(t, "contact-update-two-records.json") // two records each
	tests := []struct {
		name    string
		replace map[string]any
		dropped bool
	}{
		{"Tandem's client id", map[string]any{"changeOrigin": "com/salesforce/api/rest/62.0;client=tandem"}, true},
		{"integration user, 15-character id", map[string]any{"commitUser": testIntegrationUser[:15]}, true},
		{"integration user, 18-character id", map[string]any{"commitUser": testIntegrationUser}, true},
		{"a client whose name starts with tandem", map[string]any{"changeOrigin": "com/salesforce/api/rest/62.0;client=tandem-test"}, false},
		{"a client whose name ends with tandem", map[string]any{"changeOrigin": "com/salesforce/api/rest/62.0;client=notandem"}, false},
		{"the user interface", map[string]any{"changeOrigin": "com/salesforce/api/soap/62.0;client=SfdcInternalAPI/"}, false},
		{"a user whose id differs only in case", map[string]any{"commitUser": "0055e000000tNDIAAS"}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := withHeader(t, event, tt.replace)
			ev = bytes.Replace(ev, []byte(`"replayId":15529397`), []byte(fmt.Sprintf(`"replayId":%d`, 900+i)), 1)
			res := acceptedAs[SalesforceEventsResult](t, in.post(t, ev, bearer...))
			want := SalesforceEventsResult{Accepted: 2}
			if tt.dropped {
				want = SalesforceEventsResult{Dropped: 2}
			}
			if counts(res) != counts(want) {
				t.Errorf("result %+v, want %+v", res, want)
			}
		})
	}
	if s := h.Stats(); s.DroppedOwn != 6 || s.Accepted != 8 {
		t.Errorf("stats %+v, want 6 dropped and 8 accepted", s)
	}
	if n := len(in.tasks(t)); n != 8 {
		t.Errorf("%d tasks, want 8", n)
	}
}

// One request mixing every kind of event.
func TestSalesforceEventsMixedArray(t *testing.T) {
	in, h := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	ownChange := withHeader(t, eventsFixture(t, "contact-update-two-records.json"), map[string]any{"commitUser": testIntegrationUser})
	lead := withHeader(t, eventsFixture(t, "account-update.json"), map[string]any{"entityName": "Lead", "recordIds": []string{"00Q5e00000TndLdEAK"}})
	otherPlatformEvent := []byte(`{"schema":"x","payload":{"CreatedDate":"2026-11-27T10:05:00Z","CreatedById":"0055e000000AdmnAAC","Level__c":3},` +
		`"event":{"EventUuid":"9a1f","replayId":7663},"channel":"/event/Low_Ink__e"}`)
	body := jsonArray(
		eventsFixture(t, "account-create.json"), // 1 job
		ownChange,                               // 2 dropped
		eventsFixture(t, "tandem-sync.json"),    // 1 job
		otherPlatformEvent,                      // 1 ignored
		lead,                                    // 1 ignored: no flow
		eventsFixture(t, "account-gap-update.json"), // 1 job
		eventsFixture(t, "account-overflow.json"),   // 1 ignored: no record ids
	)
	res := acceptedAs[SalesforceEventsResult](t, in.post(t, body, bearer...))
	if counts(res) != counts(SalesforceEventsResult{Accepted: 3, Dropped: 2, Ignored: 3}) || len(res.Notes) != 3 {
		t.Fatalf("result %+v", res)
	}
	for _, want := range []string{"Low_Ink__e", "change events for Lead", "GAP_OVERFLOW for Account"} {
		if !strings.Contains(strings.Join(res.Notes, "\n"), want) {
			t.Errorf("notes %q do not mention %s", res.Notes, want)
		}
	}
	if s := h.Stats(); s != (EventStats{Accepted: 3, DroppedOwn: 2, Ignored: 3}) {
		t.Errorf("stats %+v", s)
	}
	byID := map[string]jobs.Change{}
	for _, task := range in.tasks(t) {
		byID[task.ID] = taskChange(t, task)
	}
	sync := byID["f2:account_to_customer:sf:00D5e000000TNDM:0015e00000TndAcAAC:3f0c9a52-6d1e-4b7a-9c1f-2e8d7b6a5c40"]
	if sync.Source != jobs.SourceSalesforceEvent || sync.ChangeType != jobs.ChangeUpdate || sync.CommitUser != "0055e000000AdmnAAC" || sync.Values["Object__c"] != "Account" {
		t.Errorf("sync request: %+v", sync)
	}
	gap := byID["f2:account_to_customer:sf:00D5e000000TNDM:0015e00000TndAcAAC:15529398"]
	if gap.ChangeType != jobs.ChangeUpdate || gap.Values[ValueReread] != true || gap.Values[ValueSourceChangeType] != "GAP_UPDATE" || len(gap.ChangedFields) != 0 {
		t.Errorf("gap event: %+v", gap)
	}
	if _, ok := byID["f2:account_to_customer:sf:00D5e000000TNDM:0015e00000TndNwAAC:15529396"]; !ok || len(byID) != 3 {
		t.Errorf("tasks %v", byID)
	}
	if !strings.Contains(in.logs.String(), "overflow event") {
		t.Error("the overflow event was not logged")
	}
}

func TestSalesforceEventsRefuseAndStoreNothing(t *testing.T) {
	in, h := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	valid := eventsFixture(t, "account-update.json")
	badType := withHeader(t, valid, map[string]any{"changeType": "MODIFY", "recordIds": []string{"0015e00000TndAcAAC", "bad id"}})
	tooMany := make([][]byte, MaxEventsPerRequest+1)
	for i := range tooMany {
		tooMany[i] = valid
	}
	wwwAuthenticate := func(t *testing.T, r webhookResponse) {
		if r.status == 401 && r.header.Get("WWW-Authenticate") != `Bearer realm="tandem"` {
			t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
		}
	}
	in.checkRefusals(t, salesforceEventsSource, []refusalCase{
		{"no credential", valid, nil, 401, "missing Authorization: Bearer", nil},
		{"wrong token", valid, []string{"Authorization", "Bearer tok_guess"}, 401, "wrong bearer token", nil},
		{"token as basic", valid, []string{"Authorization", "Basic " + testEventsToken}, 401, "missing Authorization: Bearer", nil},
		{"signature instead of token", valid, []string{SignatureHeader, Sign(testEventsSecret, eventsTestNow, valid)}, 401, "missing Authorization", nil},
		{"not JSON", []byte(`{"payload":`), bearer, 400, "not valid JSON", nil},
		{"trailing data", append(append([]byte{}, valid...), '}'), bearer, 400, "not valid JSON", nil},
		{"a string", []byte(`"event"`), bearer, 400, "one event (a JSON object) or a JSON array", nil},
		{"empty array", []byte(`[]`), bearer, 400, "holds 0 events", nil},
		{"too many events", jsonArray(tooMany...), bearer, 400, "holds 101 events", nil},
		{"one bad event spoils the array", jsonArray(valid, badType), bearer, 400, "body fails validation", map[string]string{
			"[1].payload.ChangeEventHeader.changeType":   "must be one of: CREATE UPDATE DELETE UNDELETE GAP_CREATE GAP_UPDATE GAP_DELETE GAP_UNDELETE GAP_OVERFLOW",
			"[1].payload.ChangeEventHeader.recordIds[1]": "must be a Salesforce record id (15 or 18 letters and digits, or a key prefix and *)",
		}},
		{"wrong JSON type", withHeader(t, valid, map[string]any{"recordIds": "0015e00000TndAcAAC"}), bearer, 400, "recordIds", map[string]string{
			"payload.ChangeEventHeader.recordIds": "must be an array, not string",
		}},
		{"oversize", bytes.Repeat([]byte(" "), MaxBodyBytes+1), bearer, 413, "over the 1048576-byte limit", nil},
	}, wwwAuthenticate, testEventsToken)
	if s := h.Stats(); s != (EventStats{}) {
		t.Errorf("refused requests were counted: %+v", s)
	}
}

func TestSalesforceEventsHMACMode(t *testing.T) {
	in, _ := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), func(h *SalesforceEvents) {
		h.Auth, h.Secret = EventsAuthHMAC, testEventsSecret
	})
	body := eventsFixture(t, "account-update.json")
	refusals := []struct {
		name    string
		body    []byte
		headers []string
	}{
		{"bearer token", body, bearer},
		{"stale", body, []string{SignatureHeader, Sign(testEventsSecret, eventsTestNow.Add(-SignatureTolerance-time.Second), body)}},
		{"wrong secret", body, []string{SignatureHeader, Sign(testEventsToken, eventsTestNow, body)}},
		{"tampered", bytes.Replace(body, []byte("Hamburg"), []byte("Hamburq"), 1), []string{SignatureHeader, Sign(testEventsSecret, eventsTestNow, body)}},
	}
	for _, tt := range refusals {
		if e := in.post(t, tt.body, tt.headers...).refusal(t, 401); !strings.Contains(e.Error, "signature") {
			t.Errorf("%s: %q", tt.name, e.Error)
		}
	}
	if n := len(in.tasks(t)); n != 0 {
		t.Fatalf("%d tasks after refusals", n)
	}
	if res := acceptedAs[SalesforceEventsResult](t, in.post(t, body, SignatureHeader, Sign(testEventsSecret, eventsTestNow, body))); res.Accepted != 1 {
		t.Fatalf("signed request: %+v", res)
	}
}

func TestSalesforceEventsRedisDownIs503(t *testing.T) {
	in, h := newSalesforceEvents(t, unreachableRedis(t), nil)
	r := in.post(t, eventsFixture(t, "contact-update-two-records.json"), bearer...)
	if e := r.refusal(t, http.StatusServiceUnavailable); e.Error != queueUnavailable {
		t.Fatalf("answer %s", r.body)
	}
	if s := h.Stats(); s != (EventStats{}) {
		t.Errorf("an unstored request was counted: %+v", s)
	}
}

func TestOriginHasClient(t *testing.T) {
	for origin, want := range map[string]bool{
		"com/salesforce/api/rest/62.0;client=tandem":          true,
		"com/salesforce/api/rest/62.0; client=tandem":         true,
		"com/salesforce/api/rest/62.0;client=tandem/":         false,
		"com/salesforce/api/rest/62.0;client=Tandem":          false,
		"com/salesforce/api/rest/62.0;client=tandemsync":      false,
		"com/salesforce/api/rest/62.0;client=x;client=tandem": true,
		"com/salesforce/api/rest/62.0":                        false,
		"com/salesforce/api/client=tandem/62.0":               false,
		"":                                                    false,
	} {
		if got := originHasClient(origin, "tandem"); got != want {
			t.Errorf("%q: %v, want %v", origin, got, want)
		}
	}
}
