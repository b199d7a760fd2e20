package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
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
	testNSSecret       = "whsec_tandem_test_secret_2026"
	typeNSSalesOrder   = "test:ns_salesorder"
	typeNSInvoice      = "test:ns_invoice"
	typeNSInvoiceAudit = "test:ns_invoice_audit" // a second flow reading invoices
)

// nsTestNow is half a minute after the SuiteScript vector was signed.
var nsTestNow = time.Unix(1768471560, 0).Add(30 * time.Second).UTC()

func testNetSuiteRoute(recordType string) []string {
	switch recordType {
	case "customer":
		return []string{jobs.TypeCustomerToAccount}
	case "contact":
		return []string{jobs.TypeNSContactToContact}
	case "salesorder":
		return []string{typeNSSalesOrder}
	case "invoice":
		return []string{typeNSInvoice, typeNSInvoiceAudit}
	}
	return nil
}

func newNetSuiteWebhook(t *testing.T, opt asynq.RedisConnOpt, configure func(*NetSuiteWebhook)) *jsonWebhook {
	t.Helper()
	return serveJSONWebhook(t, opt, PathNetSuiteWebhook, func(enq ChangeEnqueuer, log *slog.Logger) http.Handler {
		h := &NetSuiteWebhook{
			Secret:   testNSSecret,
			Route:    testNetSuiteRoute,
			Enqueuer: enq,
			Logger:   log,
			Now:      func() time.Time { return nsTestNow },
		}
		if configure != nil {
			configure(h)
		}
		return h
	})
}

// postSigned signs body with secret at time at, as the SuiteScript does.
func (in *jsonWebhook) postSigned(t *testing.T, secret string, at time.Time, body []byte) webhookResponse {
	t.Helper()
	return in.post(t, body, SignatureHeader, Sign(secret, at, body))
}

// The SuiteScript's test vector, posted with its own header, becomes one
// customer job carrying the event.
func TestNetSuiteWebhookAcceptsTheSuiteScriptVector(t *testing.T) {
	v := readSignatureVector(t)
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), func(h *NetSuiteWebhook) { h.Secret = v.Secret })
	res := acceptedAs[NetSuiteWebhookResult](t, in.post(t, []byte(v.Body), SignatureHeader, v.Header))
	if res.Accepted != 1 || res.Duplicates != 0 || res.Ignored != 0 {
		t.Fatalf("result %+v", res)
	}
	tasks := in.tasks(t)
	if len(tasks) != 1 {
		t.Fatalf("%d tasks, want 1", len(tasks))
	}
	task := tasks[0]
	bodyHash := sha256.Sum256([]byte(v.Body))
	wantID := "f2:customer_to_account:ns:1234567_SB1:412:1234567_SB1:customer:412:edit:2026-01-15T10:06:00Z:" + hex.EncodeToString(bodyHash[:6])
	if task.ID != wantID || task.Type != jobs.TypeCustomerToAccount || task.Queue != jobs.QueueNetSuiteToSalesforce {
		t.Errorf("task %s of type %s in %s", task.ID, task.Type, task.Queue)
	}
	ch := taskChange(t, task)
	if ch.Source != jobs.SourceNetSuiteWebhook || ch.OrgID != "1234567_SB1" || ch.Object != "customer" || ch.RecordID != "412" ||
		ch.ChangeType != jobs.ChangeUpdate || ch.Origin != "USERINTERFACE" || ch.CommitUser != "17" || ch.CorrelationID == "" ||
		!ch.LastModified.Equal(time.Date(2026, 1, 15, 10, 6, 0, 0, time.UTC)) || !ch.ReceivedAt.Equal(nsTestNow) {
		t.Errorf("change %+v", ch)
	}
	if got := strings.Join(ch.ChangedFields, ","); got != "addressbook,companyname,creditholdoverride,overduebalance" {
		t.Errorf("changed fields %s", got)
	}
	if ch.Values["companyname"] != "Müller & Söhne GmbH" || ch.Values["overduebalance"] != 830.25 || ch.Values["addressbook"] != true {
		t.Errorf("values %v", ch.Values)
	}
	if _, ok := ch.Values[ValueSourceChangeType]; ok {
		t.Errorf("an edit is marked as something else: %v", ch.Values)
	}
}

// A replayed request, byte for byte or re-signed (the SuiteScript's
// outbox retry), is acknowledged and stores nothing new.
func TestNetSuiteWebhookReplayIsANoOp(t *testing.T) {
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), nil)
	body := readWebhookTestdata(t, "netsuite", "contact-xedit.json")
	header := Sign(testNSSecret, nsTestNow, body)
	if res := acceptedAs[NetSuiteWebhookResult](t, in.post(t, body, SignatureHeader, header)); res.Accepted != 1 {
		t.Fatalf("first post: %+v", res)
	}
	for i, h := range []string{header, Sign(testNSSecret, nsTestNow.Add(-time.Minute), body)} {
		if res := acceptedAs[NetSuiteWebhookResult](t, in.post(t, body, SignatureHeader, h)); res.Accepted != 0 || res.Duplicates != 1 {
			t.Errorf("replay %d: %+v", i+1, res)
		}
	}
	if n := len(in.tasks(t)); n != 1 {
		t.Fatalf("%d tasks after replays, want 1", n)
	}
}

// Two edits of one record within a second share the SuiteScript's eventId
// (it is built from the last-modified time, kept to the second); both
// changes must be stored, while each one's re-send stays a duplicate.
func TestNetSuiteWebhookSameSecondEditsAreNotDuplicates(t *testing.T) {
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), nil)
	first := readWebhookTestdata(t, "netsuite", "contact-xedit.json")
	second := bytes.Replace(first, []byte(`"+49 30 1234567"`), []byte(`"+49 30 7654321"`), 1)
	if bytes.Equal(first, second) {
		t.Fatal("the test body has no phone to change")
	}
	for _, body := range [][]byte{first, second, first, second} {
		acceptedAs[NetSuiteWebhookResult](t, in.postSigned(t, testNSSecret, nsTestNow, body))
	}
	if n := len(in.tasks(t)); n != 2 {
		t.Fatalf("%d tasks, want 2: one per change, none per re-send", n)
	}
}

// A record type two flows read makes one job per flow from one event, in
// one store; a re-send is a duplicate of both.
func TestNetSuiteWebhookFansOutToEveryFlow(t *testing.T) {
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), nil)
	body := bytes.Replace(readWebhookTestdata(t, "netsuite", "contact-xedit.json"), []byte(`"contact"`), []byte(`"invoice"`), 1)
	if !bytes.Contains(body, []byte(`"invoice"`)) {
		t.Fatal("the test body names no record type to change")
	}
	if res := acceptedAs[NetSuiteWebhookResult](t, in.postSigned(t, testNSSecret, nsTestNow, body)); res.Accepted != 2 || res.Duplicates != 0 {
		t.Fatalf("first post: %+v, want 2 accepted", res)
	}
	if res := acceptedAs[NetSuiteWebhookResult](t, in.postSigned(t, testNSSecret, nsTestNow, body)); res.Accepted != 0 || res.Duplicates != 2 {
		t.Fatalf("re-send: %+v, want 2 duplicates", res)
	}
	types := map[string]string{}
	for _, task := range in.tasks(t) {
		types[task.Type] = taskChange(t, task).RecordID
	}
	if len(types) != 2 || types[typeNSInvoice] == "" || types[typeNSInvoice] != types[typeNSInvoiceAudit] {
		t.Fatalf("tasks by type %v, want one of each type for the same record", types)
	}
}

func TestNetSuiteWebhookNormalisesEventTypes(t *testing.T) {
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), nil)
	for _, name := range []string{"contact-xedit.json", "salesorder-delete.json"} {
		acceptedAs[NetSuiteWebhookResult](t, in.postSigned(t, testNSSecret, nsTestNow, readWebhookTestdata(t, "netsuite", name)))
	}
	tasks := in.tasks(t)
	if len(tasks) != 2 {
		t.Fatalf("%d tasks, want 2", len(tasks))
	}
	xedit, del := taskChange(t, tasks[0]), taskChange(t, tasks[1])
	if xedit.ChangeType != jobs.ChangeUpdate || xedit.Values[ValueSourceChangeType] != "xedit" || xedit.Values["phone"] != "+49 30 1234567" {
		t.Errorf("inline edit: %+v", xedit)
	}
	if strings.Join(xedit.ChangedFields, ",") != "phone" {
		t.Errorf("inline edit fields: %v", xedit.ChangedFields)
	}
	if del.ChangeType != jobs.ChangeDelete || del.Origin != "CSVIMPORT" || del.Values["total"] != 1250.5 {
		t.Errorf("delete: %+v", del)
	}
}

// A record type no flow handles is acknowledged (a refusal would make the
// SuiteScript retry for a day), counted and explained.
func TestNetSuiteWebhookIgnoresUnroutedRecordTypes(t *testing.T) {
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), nil)
	res := acceptedAs[NetSuiteWebhookResult](t, in.postSigned(t, testNSSecret, nsTestNow, readWebhookTestdata(t, "netsuite", "vendor-create.json")))
	if res.Accepted != 0 || res.Ignored != 1 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], `record type "vendor"`) {
		t.Fatalf("result %+v", res)
	}
	if n := len(in.tasks(t)); n != 0 {
		t.Fatalf("%d tasks for an ignored event", n)
	}
}

func TestNetSuiteWebhookRefusesAndStoresNothing(t *testing.T) {
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), func(h *NetSuiteWebhook) { h.AccountID = "1234567-sb1" })
	valid := readWebhookTestdata(t, "netsuite", "contact-xedit.json")
	signed := func(body []byte) []string { return []string{SignatureHeader, Sign(testNSSecret, nsTestNow, body)} }
	invalid := []byte(`{"eventId":"x","accountId":"1234567_SB1","recordId":"12a","eventType":"update",` +
		`"lastModifiedDate":"15/01/2026","executionContext":"USERINTERFACE"}`)
	otherAccount := bytes.ReplaceAll(valid, []byte(`"accountId":"1234567_SB1"`), []byte(`"accountId":"7654321"`))
	in.checkRefusals(t, netSuiteSource, []refusalCase{
		{"no signature", valid, nil, 401, "no X-Tandem-Signature header", nil},
		{"wrong secret", valid, []string{SignatureHeader, Sign("whsec_guess", nsTestNow, valid)}, 401, "no v1 signature matches", nil},
		{"stale", valid, []string{SignatureHeader, Sign(testNSSecret, nsTestNow.Add(-6*time.Minute), valid)}, 401, "away from Tandem's clock", nil},
		{"future", valid, []string{SignatureHeader, Sign(testNSSecret, nsTestNow.Add(6*time.Minute), valid)}, 401, "away from Tandem's clock", nil},
		{"tampered body", bytes.Replace(valid, []byte("2291"), []byte("2292"), 1), signed(valid), 401, "no v1 signature matches", nil},
		{"malformed signature", valid, []string{SignatureHeader, "sha256=abc"}, 401, "malformed", nil},
		{"not JSON", []byte(`{"eventId":`), signed([]byte(`{"eventId":`)), 400, "not valid JSON", nil},
		{"trailing data", append(append([]byte{}, valid...), "{}"...), signed(append(append([]byte{}, valid...), "{}"...)), 400, "data after the JSON value", nil},
		{"an array", []byte(`[` + string(valid) + `]`), signed([]byte(`[` + string(valid) + `]`)), 400, "must be an object, not array", nil},
		{"wrong type", []byte(`{"recordId":2291}`), signed([]byte(`{"recordId":2291}`)), 400, "recordId", map[string]string{"recordId": "must be a string, not number"}},
		{"invalid fields", invalid, signed(invalid), 400, "body fails validation", map[string]string{
			"recordType":       "is required",
			"recordId":         "must be digits only",
			"eventType":        "must be one of: create edit xedit delete",
			"lastModifiedDate": "must be an ISO-8601 (RFC 3339) time like 2026-01-15T10:06:00Z",
		}},
		{"other account", otherAccount, signed(otherAccount), 403, "account 7654321 is not the account Tandem syncs", nil},
		{"empty", nil, signed(nil), 400, "empty body", nil},
		{"oversize", bytes.Repeat([]byte(" "), MaxBodyBytes+1), nil, 413, "over the 1048576-byte limit", nil},
	}, nil, testNSSecret, Sign(testNSSecret, nsTestNow, valid))
	if res := acceptedAs[NetSuiteWebhookResult](t, in.postSigned(t, testNSSecret, nsTestNow, valid)); res.Accepted != 1 {
		t.Fatalf("the valid request after the refusals: %+v", res)
	}
}

// An oversize body sent without a length is cut off at the limit.
func TestNetSuiteWebhookOversizeChunked(t *testing.T) {
	in := newNetSuiteWebhook(t, testredis.New(t).AsynqOpt(), nil)
	pr, pw := io.Pipe()
	go func() {
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for i := 0; i < 10*16; i++ { // 10 MiB, unless the server stops reading
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, in.url, pr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	pr.CloseWithError(io.ErrClosedPipe)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

func TestNetSuiteWebhookRedisDownIs503(t *testing.T) {
	in := newNetSuiteWebhook(t, unreachableRedis(t), nil)
	r := in.postSigned(t, testNSSecret, nsTestNow, readWebhookTestdata(t, "netsuite", "contact-xedit.json"))
	e := r.refusal(t, http.StatusServiceUnavailable)
	if e.Error != queueUnavailable || bytes.Contains(r.body, []byte("accepted")) {
		t.Fatalf("answer %s", r.body)
	}
}

func TestParseNetSuiteEventSpellsIdsOneWay(t *testing.T) {
	body := bytes.ReplaceAll(readWebhookTestdata(t, "netsuite", "contact-xedit.json"), []byte(`"accountId":"1234567_SB1"`), []byte(`"accountId":"1234567-sb1"`))
	body = bytes.ReplaceAll(body, []byte(`"recordType":"contact"`), []byte(`"recordType":"Contact"`))
	ev, err := ParseNetSuiteEvent(body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.AccountID != "1234567_SB1" || ev.RecordType != "contact" {
		t.Errorf("account %s, record type %s", ev.AccountID, ev.RecordType)
	}
	if n, ok := ev.Fields["phone"].(string); !ok || n == "" {
		t.Errorf("fields %v", ev.Fields)
	}
}
