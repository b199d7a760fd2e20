package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/testfixtures"

	"github.com/hibiken/asynq"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// tandemOn serves Tandem's webhook handlers, checking creds, storing jobs
// in db.
func tandemOn(t *testing.T, db *testredis.DB, creds Credentials) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(ingress(creds, jobs.NewEnqueuer(db.Client, DefaultMaxRetry)))
	t.Cleanup(srv.Close)
	return srv
}

func send(t *testing.T, base string, p post) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+p.path, bytes.NewReader(p.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = p.header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// queued counts the jobs waiting in each of Tandem's queues.
func queued(t *testing.T, db *testredis.DB) map[string]int {
	t.Helper()
	insp := asynq.NewInspector(db.AsynqOpt())
	defer insp.Close()
	out := map[string]int{}
	for _, q := range jobs.QueueNames() {
		info, err := insp.GetQueueInfo(q)
		if errors.Is(err, asynq.ErrQueueNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out[q] = info.Pending
	}
	return out
}

func TestTandemAcceptsEveryRequestAndStoresOneJobPerRecord(t *testing.T) {
	for _, auth := range []string{handlers.EventsAuthBearer, handlers.EventsAuthHMAC} {
		t.Run("events auth "+auth, func(t *testing.T) {
			db := testredis.New(t)
			cfg := Config{Notifications: 3, Events: 2, IDBase: 7_000_000,
				Credentials: Credentials{OutboundToken: "load-token", EventsAuth: auth}}.withDefaults()
			srv := tandemOn(t, db, cfg.Credentials)
			b := newBuilder(cfg)
			for e := range endpointCount {
				for seq := range uint64(2) {
					if status, body := send(t, srv.URL, b.build(e, seq, time.Now())); status != http.StatusOK {
						t.Fatalf("%s request %d: %d %s", e, seq, status, body)
					}
				}
			}
			// 2 Outbound Messages of 3 and 2 POSTs of 2 events towards
			// NetSuite; 2 webhooks towards Salesforce, each a job per flow
			// that reads customers.
			want := map[string]int{jobs.QueueSalesforceToNetSuite: 2*3 + 2*2,
				jobs.QueueNetSuiteToSalesforce: 2 * len(jobs.NetSuiteTaskTypes("customer"))}
			if got := queued(t, db); !maps.Equal(got, want) {
				t.Fatalf("queued %v, want %v", got, want)
			}

			// The same seq again is a re-send: acknowledged, nothing new stored.
			for e := range endpointCount {
				status, body := send(t, srv.URL, b.build(e, 1, time.Now()))
				if status != http.StatusOK {
					t.Fatalf("%s re-send: %d %s", e, status, body)
				}
				if e != Outbound {
					var answer struct{ Accepted, Duplicates int }
					if err := json.Unmarshal(body, &answer); err != nil || answer.Accepted != 0 || answer.Duplicates == 0 {
						t.Fatalf("%s re-send answered %s", e, body)
					}
				}
			}
			if got := queued(t, db); !maps.Equal(got, want) {
				t.Fatalf("after re-sends queued %v, want still %v", got, want)
			}
		})
	}
}

func TestRequestsCarryTheCredentialsTandemChecks(t *testing.T) {
	db := testredis.New(t)
	right := Config{Credentials: Credentials{OutboundToken: "right"}}.withDefaults()
	srv := tandemOn(t, db, right.Credentials)
	wrong := right
	wrong.Credentials.OutboundToken, wrong.Credentials.EventsToken, wrong.Credentials.NSSecret = "wrong", "wrong", "wrong"
	b := newBuilder(wrong)
	for e := range endpointCount {
		if status, body := send(t, srv.URL, b.build(e, 0, time.Now())); status != http.StatusUnauthorized {
			t.Errorf("%s with a wrong credential: %d %s, want 401", e, status, body)
		}
	}
}

func TestEachEndpointFeedsItsFlow(t *testing.T) {
	cfg := Config{}.withDefaults()
	b := newBuilder(cfg)
	for e, want := range map[Endpoint][]string{
		Outbound: {jobs.TypeOpportunityToSalesOrder},
		Events:   {jobs.TypeAccountToCustomer},
		NetSuite: jobs.NetSuiteTaskTypes("customer"), // every flow that reads customers
	} {
		made, status := jobsOf(cfg.Credentials, b.build(e, 0, time.Now()))
		types := make([]string, len(made))
		for i, j := range made {
			types[i] = j.Type
		}
		if status != http.StatusOK || !slices.Equal(types, want) {
			t.Errorf("%s: %d, jobs %+v; want one of each of %v", e, status, made, want)
		}
	}
}

func TestDefaultCredentialsAreTheSandboxes(t *testing.T) {
	if sandboxEventsToken != sfsandbox.DefaultEventsToken || sandboxEventsSecret != sfsandbox.DefaultEventsSecret ||
		sandboxNSSecret != nssandbox.DefaultWebhookSecret {
		t.Fatal("the load's default credentials are not the sandboxes' defaults")
	}
}

// sharedFixture reads one file of ../shared/fixtures.
func sharedFixture(t *testing.T, parts ...string) []byte { return testfixtures.Read(t, parts...) }

func TestOutboundMessageHasTheEnvelopeOfARealOne(t *testing.T) {
	captured := sharedFixture(t, "salesforce", "outbound-message", "om-opportunity-ap5.ejangi-hangouts-chat.xml")
	ours := newBuilder(Config{}.withDefaults()).build(Outbound, 0, time.Now()).body
	if got, want := envelopeElements(t, ours), envelopeElements(t, captured); !slices.Equal(got, want) {
		t.Fatalf("elements\n ours %v\n captured %v", got, want)
	}
	msg, err := handlers.ParseOutboundMessage(ours)
	if err != nil {
		t.Fatal(err)
	}
	if n := msg.Notifications[0]; n.SObject.Type != "Opportunity" || n.SObject.Fields["StageName"] == nil || *n.SObject.Fields["StageName"] != "Closed Won" {
		t.Fatalf("notification %+v", n.SObject)
	}
}

// envelopeElements lists the elements of an Outbound Message, namespace
// and name, down to sObject (whose fields vary by object).
func envelopeElements(t *testing.T, body []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	var out []string
	depth, inObject := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if inObject == 0 {
				out = append(out, el.Name.Space+" "+el.Name.Local)
			}
			if el.Name.Local == "sObject" {
				inObject = depth
			}
		case xml.EndElement:
			if depth == inObject {
				inObject = 0
			}
			depth--
		}
	}
}

func TestChangeEventHasTheFieldsOfARealOne(t *testing.T) {
	var captured map[string]any
	if err := json.Unmarshal(sharedFixture(t, "salesforce", "cdc", "cdc-cometd-update-distributor.mohan-chinnappan-n5.json"), &captured); err != nil {
		t.Fatal(err)
	}
	var ours []map[string]any
	if err := json.Unmarshal(newBuilder(Config{}.withDefaults()).build(Events, 0, time.Now()).body, &ours); err != nil {
		t.Fatal(err)
	}
	for _, path := range [][]string{{}, {"event"}, {"payload", "ChangeEventHeader"}} {
		if got, want := keysAt(ours[0], path), keysAt(captured, path); !slices.Equal(got, want) {
			t.Errorf("keys at %v\n ours %v\n captured %v", path, got, want)
		}
	}
}

func TestNetSuiteWebhookHasEveryContractField(t *testing.T) {
	var schema struct{ Properties map[string]any }
	b, err := os.ReadFile(filepath.Join("..", "..", "api", "schemas", "netsuite-webhook.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	var ours map[string]any
	if err := json.Unmarshal(newBuilder(Config{}.withDefaults()).build(NetSuite, 0, time.Now()).body, &ours); err != nil {
		t.Fatal(err)
	}
	if got, want := keysAt(ours, nil), slices.Sorted(maps.Keys(schema.Properties)); !slices.Equal(got, want) {
		t.Fatalf("fields\n ours %v\n contract %v", got, want)
	}
}

func keysAt(v map[string]any, path []string) []string {
	for _, k := range path {
		v, _ = v[k].(map[string]any)
	}
	return slices.Sorted(maps.Keys(v))
}
