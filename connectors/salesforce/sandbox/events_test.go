package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var cometdDateTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func TestChangeEventsCarryWhatCometDDelivers(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	rc := newEventsReceiver(t, accept)
	org := startOrg(t, Config{Events: fastEvents(rc.URL), Clock: func() time.Time { return at }})
	token := org.login(t)

	r := org.call(t, "POST", v+"/sobjects/Account", token, map[string]any{"Name": "Echo & Co", "BillingCity": "Berlin",
		"BillingCountry": "Germany", "NetSuite_Id__c": "412"}, "Sforce-Call-Options", "client=tandem")
	var created struct{ ID string }
	r.json(t, &created)
	org.call(t, "PATCH", "/services/data/v58.0/sobjects/Account/"+created.ID, token, map[string]any{"Phone": "+49 30 1", "BillingCity": "Hamburg"})
	if err := org.Update("Account", created.ID, map[string]any{"Website": "https://echo.example"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	org.call(t, "PATCH", v+"/sobjects/Opportunity/"+newDeal(t, org), token, map[string]any{"Description": "not selected"})
	org.call(t, "DELETE", v+"/sobjects/Account/"+created.ID, token, nil)
	waitEvents(t, org.Server)

	events := rc.accepted()
	var kinds []string
	for _, ev := range events {
		kinds = append(kinds, ev.header()["entityName"].(string)+" "+ev.header()["changeType"].(string))
	}
	if want := []string{"Account CREATE", "Account UPDATE", "Account UPDATE", "Account DELETE"}; !slices.Equal(kinds, want) {
		t.Fatalf("forwarded %v, want %v (Opportunity is not selected)", kinds, want)
	}
	for i, ev := range events {
		if h := ev.header(); h["recordIds"].([]any)[0] != created.ID || h["transactionKey"] == "" || h["sequenceNumber"] != 1.0 ||
			h["commitTimestamp"] != float64(at.UnixMilli()) || ev.Schema == "" {
			t.Errorf("event %d header %v schema %q", i, h, ev.Schema)
		}
		if i > 0 && ev.Event.ReplayID <= events[i-1].Event.ReplayID {
			t.Errorf("replayId %d after %d", ev.Event.ReplayID, events[i-1].Event.ReplayID)
		}
	}
	create, rest, ui, del := events[0], events[1], events[2], events[3]

	integration, sales := org.IntegrationUser().ID, org.SalesUser().ID
	if h := create.header(); h["changeOrigin"] != "com/salesforce/api/rest/62.0;client=tandem" || h["commitUser"] != integration ||
		!reflect.DeepEqual(h["changedFields"], []any{}) {
		t.Errorf("CREATE header %v", h)
	}
	f := create.fields()
	if f["Name"] != "Echo & Co" || !reflect.DeepEqual(f["BillingAddress"], map[string]any{"City": "Berlin", "Country": "Germany"}) ||
		f["NetSuite_Id__c"] != "412" || f["OwnerId"] != integration || f["CreatedById"] != integration ||
		!cometdDateTime.MatchString(fmt.Sprint(f["CreatedDate"])) || f["Credit_Hold__c"] != false {
		t.Errorf("CREATE carries %v", f)
	}
	for _, absent := range []string{"Id", "IsDeleted", "SystemModstamp", "BillingCity", "Phone", "ShippingAddress"} {
		if _, ok := f[absent]; ok {
			t.Errorf("CREATE carries %s", absent)
		}
	}

	if h := rest.header(); h["changeOrigin"] != "com/salesforce/api/rest/58.0" ||
		!reflect.DeepEqual(h["changedFields"], []any{"Phone", "BillingAddress.City", "LastModifiedDate"}) {
		t.Errorf("REST UPDATE header %v", h)
	}
	if want := map[string]any{"Phone": "+49 30 1", "BillingAddress": map[string]any{"City": "Hamburg"},
		"LastModifiedDate": at.Format("2006-01-02T15:04:05.000Z")}; !reflect.DeepEqual(rest.fields(), want) {
		t.Errorf("REST UPDATE carries %v, want only the changes %v", rest.fields(), want)
	}

	if h := ui.header(); h["changeOrigin"] != "com/salesforce/api/soap/62.0;client=SfdcInternalAPI/" || h["commitUser"] != sales ||
		!reflect.DeepEqual(h["changedFields"], []any{"Website", "LastModifiedDate", "LastModifiedById"}) {
		t.Errorf("UI UPDATE header %v", h)
	}
	if ui.fields()["LastModifiedById"] != sales {
		t.Errorf("UI UPDATE carries %v", ui.fields())
	}
	if len(del.fields()) != 0 || !reflect.DeepEqual(del.header()["changedFields"], []any{}) {
		t.Errorf("DELETE carries %v", del.Payload)
	}
	req := rc.all()[0]
	if req.header.Get("Authorization") != "Bearer "+DefaultEventsToken || req.header.Get("Content-Type") != "application/json" {
		t.Errorf("request headers %v", req.header)
	}
	if !strings.Contains(string(req.raw), `"Name":"Echo & Co"`) {
		t.Errorf("text is not written as Salesforce writes it: %s", req.raw)
	}
}

func TestChangeEventsNestPersonNames(t *testing.T) {
	rc := newEventsReceiver(t, accept)
	org := startOrg(t, Config{Events: fastEvents(rc.URL)})
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	id, err := org.Create("Contact", map[string]any{"AccountId": acct, "FirstName": "Ada", "LastName": "Lovelace",
		"MailingCity": "London"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	if err := org.Update("Contact", id, map[string]any{"LastName": "King"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, org.Server)
	events := rc.accepted()
	if len(events) != 2 {
		t.Fatalf("%d events", len(events))
	}
	create, update := events[0].fields(), events[1]
	if !reflect.DeepEqual(create["Name"], map[string]any{"FirstName": "Ada", "LastName": "Lovelace"}) ||
		!reflect.DeepEqual(create["MailingAddress"], map[string]any{"City": "London"}) || create["AccountId"] != acct {
		t.Errorf("Contact CREATE carries %v", create)
	}
	if !reflect.DeepEqual(update.header()["changedFields"], []any{"Name.LastName", "LastModifiedDate"}) ||
		!reflect.DeepEqual(update.fields()["Name"], map[string]any{"LastName": "King"}) {
		t.Errorf("Contact UPDATE %v", update.Payload)
	}
}

// The captured CometD events (shared/fixtures/salesforce/cdc) and ours
// have the same envelope, header fields and value forms.
func TestChangeEventsMatchCapturedEvents(t *testing.T) {
	rc := newEventsReceiver(t, accept)
	org := startOrg(t, Config{Events: fastEvents(rc.URL)})
	id, err := org.Create("Account", map[string]any{"Name": "Shape Co"}, org.SalesUser())
	if err != nil {
		t.Fatal(err)
	}
	if err := org.Update("Account", id, map[string]any{"Name": "Shape Corp"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, org.Server)
	ours := rc.accepted()
	for i, name := range []string{"cdc-cometd-create-distributor.mohan-chinnappan-n5.json", "cdc-cometd-update-distributor.mohan-chinnappan-n5.json"} {
		var captured cdcEvent
		readJSONFixture(t, "cdc/"+name, &captured)
		if got, want := jsonShape(ours[i].header()), jsonShape(captured.header()); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: header fields\n got %v\nwant %v", name, got, want)
		}
		if got, want := ours[i].header()["changeOrigin"], captured.header()["changeOrigin"]; strings.Replace(fmt.Sprint(want), "60.0", "62.0", 1) != got {
			t.Errorf("%s: changeOrigin of a UI edit %v, captured %v", name, got, want)
		}
		if !cometdDateTime.MatchString(fmt.Sprint(captured.Payload["LastModifiedDate"])) || !cometdDateTime.MatchString(fmt.Sprint(ours[i].Payload["LastModifiedDate"])) {
			t.Errorf("%s: LastModifiedDate %v, captured %v", name, ours[i].Payload["LastModifiedDate"], captured.Payload["LastModifiedDate"])
		}
	}
	if got := slices.Sorted(maps.Keys(ours[1].fields())); !slices.Equal(got, []string{"LastModifiedDate", "Name"}) {
		t.Errorf("UPDATE carries %v; the captured one carries the changed Name and LastModifiedDate", got)
	}
}

// jsonShape maps each key of a decoded object to the JSON type of its value.
func jsonShape(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = fmt.Sprintf("%T", v)
	}
	return out
}

func TestChangeEventsResentUntilAccepted(t *testing.T) {
	rc := newEventsReceiver(t, func(n int) int {
		return []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusUnauthorized, http.StatusOK}[min(n, 3)]
	})
	cfg := fastEvents(rc.URL)
	cfg.MaxBatch = 2
	org := startOrg(t, Config{Events: cfg})
	accounts, _ := org.Query("SELECT Id FROM Account ORDER BY Name LIMIT 3")
	var want []string
	for round := range 2 {
		for _, a := range accounts {
			id := a["Id"].(string)
			if err := org.Update("Account", id, map[string]any{"Phone": strconv.Itoa(round)}, org.SalesUser()); err != nil {
				t.Fatal(err)
			}
			want = append(want, id+" "+strconv.Itoa(round))
		}
	}
	waitEvents(t, org.Server)
	var got []string
	for _, ev := range rc.accepted() {
		got = append(got, ev.header()["recordIds"].([]any)[0].(string)+" "+ev.fields()["Phone"].(string))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("accepted events\n got %v\nwant %v (each once, in commit order)", got, want)
	}
	st := org.EventsStats()
	if st.Queued != 6 || st.Delivered != 6 || st.Failed != 3 || st.Pending != 0 || st.Sent != st.Failed+len(rc.all())-3 {
		t.Fatalf("stats %+v after %d requests", st, len(rc.all()))
	}
	for _, r := range rc.all() {
		if len(r.events) > 2 {
			t.Fatalf("a request carried %d events, MaxBatch is 2", len(r.events))
		}
	}
}

func TestChangeEventsBatchUpTo100(t *testing.T) {
	rc := newEventsReceiver(t, accept)
	org := startOrg(t, Config{Events: fastEvents(rc.URL)})
	var records []any
	for i := range 150 {
		records = append(records, account(fmt.Sprint("E-", i), fmt.Sprint("Event ", i)))
	}
	// One transaction: all 150 events are queued at once.
	r := org.call(t, "PATCH", v+"/composite/sobjects/Account/NetSuite_Id__c", org.login(t), map[string]any{"allOrNone": true, "records": records})
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	waitEvents(t, org.Server)
	var sizes []int
	var names []string
	for _, req := range rc.all() {
		sizes = append(sizes, len(req.events))
		for i, ev := range req.events {
			names = append(names, ev.fields()["Name"].(string))
			if seq := ev.header()["sequenceNumber"]; seq != float64(len(names)) {
				t.Fatalf("request event %d has sequenceNumber %v", i, seq)
			}
		}
	}
	if !slices.Equal(sizes, []int{100, 50}) || names[0] != "Event 0" || names[149] != "Event 149" {
		t.Fatalf("request sizes %v, first %q last %q", sizes, names[0], names[len(names)-1])
	}
}

func TestChangeEventsSignedWithHMAC(t *testing.T) {
	rc := newEventsReceiver(t, accept)
	cfg := fastEvents(rc.URL)
	cfg.Auth, cfg.Secret = EventsAuthHMAC, "whsec_sandbox_ключ"
	org := startOrg(t, Config{Events: cfg})
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	if err := org.Update("Account", acct, map[string]any{"Phone": "1"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, org.Server)
	req := rc.all()[0]
	m := regexp.MustCompile(`^t=(\d+),v1=([0-9a-f]{64})$`).FindStringSubmatch(req.header.Get("X-Tandem-Signature"))
	if m == nil || req.header.Get("Authorization") != "" {
		t.Fatalf("headers %v", req.header)
	}
	mac := hmac.New(sha256.New, []byte(cfg.Secret))
	mac.Write([]byte(m[1] + "."))
	mac.Write(req.raw)
	if hex.EncodeToString(mac.Sum(nil)) != m[2] {
		t.Fatal("X-Tandem-Signature does not sign the body")
	}
	if ts, _ := strconv.ParseInt(m[1], 10, 64); time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		t.Fatalf("signature timestamp %s is outside Tandem's 5-minute window", m[1])
	}
}

func TestChangeEventsOnlyOnceForwarderHasURL(t *testing.T) {
	rc := newEventsReceiver(t, accept)
	org := startOrg(t, Config{Events: EventsConfig{Entities: []string{"contact"}}})
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	if _, err := org.Create("Contact", map[string]any{"LastName": "Before"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	org.SetEventsURL(rc.URL)
	if err := org.Update("Account", acct, map[string]any{"Phone": "1"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if _, err := org.Create("Contact", map[string]any{"LastName": "After"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, org.Server)
	if got := rc.accepted(); len(got) != 1 || got[0].fields()["Name"].(map[string]any)["LastName"] != "After" {
		t.Fatalf("forwarded %+v; want only the contact created after SetEventsURL", got)
	}
}

func TestEventsConfigChecked(t *testing.T) {
	for name, cfg := range map[string]EventsConfig{
		"auth":     {Auth: "basic"},
		"entity":   {Entities: []string{"Lead"}},
		"batch":    {MaxBatch: MaxEventsPerRequest + 1},
		"negative": {MaxBatch: -1},
	} {
		if s, err := New(Config{Events: cfg}); err == nil {
			s.Close()
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}
