package handlers

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/testredis"
)

// realEventCaptures lists the captures in ../shared/fixtures/salesforce
// that /webhooks/salesforce/events may be sent, with the answer each must
// get. A capture added there fails the test until it is listed here.
var realEventCaptures = map[string]struct {
	status   int
	accepted int
	want     string // in the error of a refusal
}{
	"cdc/cdc-cometd-create-distributor.mohan-chinnappan-n5.json": {status: 200, accepted: 1},
	"cdc/cdc-cometd-update-distributor.mohan-chinnappan-n5.json": {status: 200, accepted: 1},
	// The Trailhead sample has a trailing comma: not JSON.
	"cdc/cdc-cometd-create-employee-client-GetCloudy.trailhead-sample.json": {status: 400, want: "not valid JSON"},
	// Forwarders that post the payload without its envelope.
	"cdc/cdc-contact-create-rest-client-sfdx.kafka-connect-payload.vdesabou.json": {status: 400, want: "bare payload"},
	"cdc/cdc-pubsub-decoded-account-update-bitmap.flask-app.json":                 {status: 400, want: "bare payload"},
	// A platform event as CometD hands it to a subscriber, without the
	// channel that names it.
	"platform-event/pe-cometd-fulfillmentorderstatuschanged.salesforce-inspector-fork.json": {status: 400, want: "channel: is required"},
}

// realEventCaptureFiles reads every capture under cdc/ and platform-event/.
func realEventCaptureFiles(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, dir := range []string{"cdc", "platform-event"} {
		paths, err := filepath.Glob(filepath.Join(sharedFixtures(t, "salesforce", dir), "*.json"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no captures in %s: %v", dir, err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files[dir+"/"+filepath.Base(p)] = b
		}
	}
	return files
}

func TestSalesforceEventsRealCaptures(t *testing.T) {
	in, _ := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	captures := realEventCaptureFiles(t)
	for name, body := range captures {
		t.Run(name, func(t *testing.T) {
			want, ok := realEventCaptures[name]
			if !ok {
				t.Fatalf("no expected answer for this capture: add it to realEventCaptures")
			}
			r := in.post(t, body, bearer...)
			if want.status != 200 {
				if e := r.refusal(t, want.status); !strings.Contains(e.Error, want.want) {
					t.Errorf("error %q does not say %q", e.Error, want.want)
				}
				return
			}
			if res := acceptedAs[SalesforceEventsResult](t, r); res.Accepted != want.accepted {
				t.Errorf("result %+v", res)
			}
		})
	}
	tasks := in.tasks(t)
	if len(tasks) != 2 {
		t.Fatalf("%d tasks, want the two distributor changes", len(tasks))
	}
	create, update := taskChange(t, tasks[0]), taskChange(t, tasks[1])
	if create.RecordID != "a02Hs0000179WYrIAM" || create.ChangeType != "create" || tasks[0].ID != typeDistributor+":sf:00D5e000000TNDM:a02Hs0000179WYrIAM:15529385" ||
		strings.Join(create.ChangedFields, ",") != "CreatedById,CreatedDate,LastModifiedById,LastModifiedDate,Name,OwnerId" {
		t.Errorf("create %s: %+v", tasks[0].ID, create)
	}
	if update.RecordID != "a02Hs0000179WYwIAM" || update.ChangeType != "update" || strings.Join(update.ChangedFields, ",") != "Name,LastModifiedDate" ||
		!update.LastModified.Equal(time.Date(2024, 2, 25, 2, 44, 11, 0, time.UTC)) || update.Values["Name"] != "sundar2" {
		t.Errorf("update: %+v", update)
	}
}

// The captures that are refused as they are, once put right, are taken.
func TestSalesforceEventsRealCapturesPutRight(t *testing.T) {
	in, h := newSalesforceEvents(t, testredis.New(t).AsynqOpt(), nil)
	captures := realEventCaptureFiles(t)
	pe := captures["platform-event/pe-cometd-fulfillmentorderstatuschanged.salesforce-inspector-fork.json"]
	channel := []byte(`"channel":"/event/FulfillmentOrderStatusChanged",`)
	trailhead := captures["cdc/cdc-cometd-create-employee-client-GetCloudy.trailhead-sample.json"]
	for name, body := range map[string][]byte{
		"platform event with its channel":             append(append([]byte("{"), channel...), bytes.TrimSpace(pe)[1:]...),
		"platform event as a Bayeux message":          append(append(append([]byte("{"), channel...), `"data":`...), append(pe, '}')...),
		"Trailhead sample without its trailing comma": bytes.Replace(trailhead, []byte("\"005xx000001SwSiAAK\",\n\t},"), []byte("\"005xx000001SwSiAAK\"\n\t},"), 1),
	} {
		if res := acceptedAs[SalesforceEventsResult](t, in.post(t, body, bearer...)); counts(res) != counts(SalesforceEventsResult{Ignored: 1}) {
			t.Errorf("%s: %+v", name, res)
		}
	}
	// The Pub/Sub capture in its envelope: its changedFields is a bitmap.
	pubsub := captures["cdc/cdc-pubsub-decoded-account-update-bitmap.flask-app.json"]
	enveloped := append(append([]byte(`{"schema":"x","event":{"replayId":1},"payload":`), pubsub...), '}')
	e := in.post(t, enveloped, bearer...).refusal(t, 400)
	if !strings.Contains(e.Fields["payload.ChangeEventHeader.changedFields[0]"], "bitmaps are not decoded") {
		t.Errorf("fields %v", e.Fields)
	}
	if s := h.Stats(); s.Ignored != 3 || s.Accepted != 0 {
		t.Errorf("stats %+v", s)
	}
}
