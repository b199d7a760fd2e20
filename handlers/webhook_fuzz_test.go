package handlers

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/logging"
)

// FuzzNetSuiteWebhookPayload: parsing never panics, and every body it
// accepts satisfies the contract's rules and makes a storable job.
func FuzzNetSuiteWebhookPayload(f *testing.F) {
	f.Add([]byte(readSignatureVector(f).Body))
	for _, name := range []string{"contact-xedit.json", "salesorder-delete.json", "vendor-create.json"} {
		f.Add(readWebhookTestdata(f, "netsuite", name))
	}
	f.Add([]byte(`{"eventId":"e","accountId":"1-sb1","recordType":"X","recordId":"1","eventType":"edit",` +
		`"lastModifiedDate":"2026-01-15T10:06:00.5+02:00","executionContext":"X","fields":{"a":1e400}}`))
	f.Add([]byte(`{"fields":[],"recordId":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseNetSuiteEvent(body)
		if err != nil {
			return
		}
		if ev.EventID == "" || ev.ExecutionContext == "" || ev.RecordID == "" || strings.Trim(ev.RecordID, "0123456789") != "" ||
			!isNetSuiteAccountID(ev.AccountID) || ev.AccountID != canonicalNetSuiteAccount(ev.AccountID) ||
			!isAPIName(ev.RecordType) || ev.RecordType != strings.ToLower(ev.RecordType) {
			t.Fatalf("accepted an invalid event: %+v", ev)
		}
		if _, err := time.Parse(time.RFC3339, ev.LastModifiedDate); err != nil {
			t.Fatalf("accepted lastModifiedDate %q: %v", ev.LastModifiedDate, err)
		}
		ch := ev.change(time.Now(), "c")
		if ch.ChangeType == "" || len(ch.ChangedFields) != len(ev.Fields) {
			t.Fatalf("change %+v from %+v", ch, ev)
		}
		if _, err := json.Marshal(ch); err != nil {
			t.Fatalf("the job payload cannot be stored: %v", err)
		}
	})
}

// FuzzSalesforceEventsPayload: parsing never panics; every body it
// accepts holds 1 to 100 valid events, and planning accounts for every
// record exactly once with storable jobs.
func FuzzSalesforceEventsPayload(f *testing.F) {
	for _, body := range realEventCaptureFiles(f) {
		f.Add(body)
	}
	entries, err := os.ReadDir("testdata/salesforce-events")
	if err != nil {
		f.Fatal(err)
	}
	var all [][]byte
	for _, e := range entries {
		body := readWebhookTestdata(f, "salesforce-events", e.Name())
		all = append(all, body)
		f.Add(body)
	}
	f.Add(jsonArray(all...))
	f.Add([]byte(`{"channel":"/event/Tandem_Sync__e","data":{"payload":{"Object__c":"Account","Record_Id__c":"001000000000001"},"event":{"replayId":"7"}}}`))
	h := &SalesforceEvents{OrgID: testOrg, IntegrationUserID: testIntegrationUser, Route: func(string) (string, bool) { return "fuzz", true }}
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := ParseSalesforceEvents(body)
		if err != nil {
			return
		}
		if len(events) == 0 || len(events) > MaxEventsPerRequest {
			t.Fatalf("accepted %d events", len(events))
		}
		records := 0
		for i := range events {
			records += checkAcceptedEvent(t, &events[i])
		}
		p := h.plan(context.Background(), logging.Discard(), events, time.Now())
		if got := len(p.jobs) + p.result.Dropped + p.result.Ignored; got != records {
			t.Fatalf("%d records, %d accounted for: %+v", records, got, p.result)
		}
		for _, j := range p.jobs {
			if !isSalesforceID(j.Change.RecordID) || j.Change.EventID == "" || j.Change.ChangeType == "" ||
				!strings.HasPrefix(j.ID, "fuzz:sf:00D5e000000TNDM:"+j.Change.RecordID+":") {
				t.Fatalf("job %s: %+v", j.ID, j.Change)
			}
			if _, err := json.Marshal(j.Change); err != nil {
				t.Fatalf("the job payload cannot be stored: %v", err)
			}
		}
	})
}

// checkAcceptedEvent fails on an event the contract refuses; it returns
// how many records the event stands for.
func checkAcceptedEvent(t *testing.T, ev *SalesforceEvent) int {
	t.Helper()
	if hdr := ev.Header; hdr != nil {
		_, known := cdcChangeTypes[hdr.ChangeType]
		known = known || strings.HasPrefix(hdr.ChangeType, "GAP_")
		if !known || !isAPIName(hdr.EntityName) || hdr.CommitTimestamp <= 0 || ev.ReplayID == "" ||
			(len(hdr.RecordIDs) == 0 && hdr.ChangeType != changeTypeOverflow) {
			t.Fatalf("accepted change event %+v with header %+v", ev, hdr)
		}
		for _, id := range hdr.RecordIDs {
			if !isSalesforceRecordID(id) {
				t.Fatalf("accepted record id %q", id)
			}
		}
		return max(1, len(hdr.RecordIDs))
	}
	if !strings.HasPrefix(ev.Channel, platformEventChannelPrefix) || ev.ReplayID == "" && ev.EventUUID == "" {
		t.Fatalf("accepted platform event %+v", ev)
	}
	if s := ev.Sync; s != nil && (!isAPIName(s.Object) || !isSalesforceID(s.RecordID)) {
		t.Fatalf("accepted %s %+v", TandemSyncEvent, s)
	}
	return 1
}
