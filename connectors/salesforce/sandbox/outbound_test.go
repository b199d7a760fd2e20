package sandbox

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// fastRetries makes re-sends quick and failures fast.
func fastRetries(cfg Config) Config {
	cfg.OutboundRetryBase, cfg.OutboundRetryMax = 5*time.Millisecond, 20*time.Millisecond
	if cfg.OutboundTimeout == 0 {
		cfg.OutboundTimeout = 5 * time.Second
	}
	return cfg
}

func waitIdle(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.WaitOutboundIdle(ctx); err != nil {
		t.Fatalf("outbound messages still pending: %v (%+v)", err, s.OutboundStats())
	}
}

func TestOutboundMessageOnChange(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { ack(w) })
	org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL}))
	token := org.login(t)
	opp := org.firstID(t, "SELECT Id FROM Opportunity WHERE Amount != null LIMIT 1")
	if r := org.call(t, "PATCH", v+"/sobjects/Opportunity/"+opp, token, map[string]any{"StageName": "Closed Won"}); r.status != 204 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	waitIdle(t, org.Server)

	got := rc.messages()
	if len(got) != 1 || len(got[0].msg.Body.Notifications.Notification) != 1 {
		t.Fatalf("want one message with one notification, got %d", len(got))
	}
	if ct, action := got[0].header.Get("Content-Type"), got[0].header.Get("SOAPAction"); ct != "text/xml; charset=utf-8" || action != `""` {
		t.Errorf("Content-Type %q SOAPAction %q", ct, action)
	}
	n := got[0].msg.Body.Notifications
	org15 := org.OrgID()[:15]
	if n.OrganizationID != org.OrgID() || n.SessionID.Nil != "true" || n.SessionID.Value != "" ||
		n.EnterpriseURL != org.url+"/services/Soap/c/62.0/"+org15 || n.PartnerURL != org.url+"/services/Soap/u/62.0/"+org15 {
		t.Errorf("header elements %+v", n)
	}
	if _, ok := sfid.Normalize(n.ActionID); !ok || !strings.HasPrefix(n.ActionID, "04k") {
		t.Errorf("ActionId %q", n.ActionID)
	}
	note := n.Notification[0]
	if _, ok := sfid.Normalize(note.ID); !ok || !strings.HasPrefix(note.ID, "04l") || note.SObject.Type != "sf:Opportunity" {
		t.Errorf("notification Id %q type %q", note.ID, note.SObject.Type)
	}
	fields := sObjectFields(t, got[0].msg, 0)
	rec, _ := org.Get("Opportunity", opp)
	if fields["Id"] != opp || fields["StageName"] != "Closed Won" || fields["IsWon"] != "true" || fields["IsClosed"] != "true" ||
		fields["Pricebook2Id"] != rec["Pricebook2Id"] || fields["CloseDate"] != rec["CloseDate"] {
		t.Errorf("sObject fields %v", fields)
	}
	if !regexp.MustCompile(`^\d+\.\d+$`).MatchString(fields["Amount"]) || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`).MatchString(fields["SystemModstamp"]) {
		t.Errorf("value formats: Amount %q SystemModstamp %q", fields["Amount"], fields["SystemModstamp"])
	}
	if _, ok := fields["Description"]; ok {
		t.Error("a field the rule does not select was sent")
	}
	if st := org.OutboundStats(); st != (OutboundStats{Queued: 1, Sent: 1, Acked: 1}) {
		t.Errorf("stats %+v", st)
	}
}

func TestOutboundResendsUntilAck(t *testing.T) {
	failures := map[string]func(w http.ResponseWriter, r *http.Request){
		"nack":    func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(fmt.Sprintf(ackBody, "false"))) },
		"500":     func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) },
		"timeout": func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"not XML": func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("OK")) },
		"ack, wrong ns": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(strings.ReplaceAll(fmt.Sprintf(ackBody, "true"), nsOutbound, "urn:other")))
		},
		"ack with 202": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(fmt.Sprintf(ackBody, "true")))
		},
	}
	for name, fail := range failures {
		t.Run(name, func(t *testing.T) {
			rc := newReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n < 2 {
					fail(w, r)
					return
				}
				ack(w)
			})
			timeout := 5 * time.Second // only the timeout case waits it out, so only it is short
			if name == "timeout" {
				timeout = 500 * time.Millisecond
			}
			org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL, OutboundTimeout: timeout}))
			acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
			if err := org.Update("Account", acct, map[string]any{"Phone": "1"}, org.SalesUser()); err != nil {
				t.Fatal(err)
			}
			waitIdle(t, org.Server)
			got := rc.messages()
			if len(got) != 3 {
				t.Fatalf("want 3 attempts, got %d", len(got))
			}
			for _, m := range got {
				if ids := notificationIDs(m.msg); len(ids) != 1 || ids[0] != notificationIDs(got[0].msg)[0] {
					t.Fatalf("re-send carries notifications %v, want the same single Id", ids)
				}
			}
			if st := org.OutboundStats(); st.Sent != 3 || st.Failed != 2 || st.Acked != 1 || st.Pending != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func notificationIDs(m soapMessage) []string {
	var ids []string
	for _, n := range m.Body.Notifications.Notification {
		ids = append(ids, n.ID)
	}
	return ids
}

func TestOutboundSendsLatestData(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	rc := newReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			close(arrived)
			<-release
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		ack(w)
	})
	org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL}))
	sales := org.SalesUser()
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	if err := org.Update("Account", acct, map[string]any{"Name": "First name"}, sales); err != nil {
		t.Fatal(err)
	}
	<-arrived // the first attempt carries "First name"; the receiver holds it
	if err := org.Update("Account", acct, map[string]any{"Name": "Second name"}, sales); err != nil {
		t.Fatal(err)
	}
	close(release)
	waitIdle(t, org.Server)

	first := notificationIDs(rc.messages()[0].msg)[0]
	var names []string
	for _, m := range rc.messages() {
		for i, id := range notificationIDs(m.msg) {
			if id == first {
				names = append(names, sObjectFields(t, m.msg, i)["Name"])
			}
		}
	}
	if len(names) < 2 || names[0] != "First name" || names[len(names)-1] != "Second name" {
		t.Fatalf("notification %s carried names %v; a re-send must carry the latest data", first, names)
	}
}

func TestOutboundBatchesUpTo100(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { ack(w) })
	org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL}))
	token := org.login(t)
	var records []any
	for i := range 150 {
		records = append(records, account(fmt.Sprint("B-", i), fmt.Sprint("Batch ", i)))
	}
	// allOrNone makes one transaction, so all 150 notifications are queued at once.
	r := org.call(t, "PATCH", v+"/composite/sobjects/Account/NetSuite_Id__c", token, map[string]any{"allOrNone": true, "records": records})
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	waitIdle(t, org.Server)
	var sizes []int
	seen := map[string]bool{}
	for _, m := range rc.messages() {
		ids := notificationIDs(m.msg)
		sizes = append(sizes, len(ids))
		for _, id := range ids {
			seen[id] = true
		}
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{50, 100}) || len(seen) != 150 {
		t.Fatalf("message sizes %v, %d distinct notifications", sizes, len(seen))
	}
}

func TestOutboundSuppressedForIntegrationUser(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { ack(w) })
	org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL, SuppressOutboundForIntegrationUser: true}))
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	org.call(t, "PATCH", v+"/sobjects/Account/"+acct, org.login(t), map[string]any{"Phone": "1"})
	if st := org.OutboundStats(); st.Queued != 0 {
		t.Fatalf("integration user's change queued %d notifications", st.Queued)
	}
	org.call(t, "PATCH", v+"/sobjects/Account/"+acct, DefaultDemoToken, map[string]any{"Phone": "2"})
	waitIdle(t, org.Server)
	if st := org.OutboundStats(); st.Queued != 1 || st.Acked != 1 {
		t.Fatalf("sales user's change: %+v", st)
	}
}

func TestOutboundDropsMessagesOlderThanMaxAge(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	failed := make(chan struct{}, 100)
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
		failed <- struct{}{}
	})
	org := startOrg(t, fastRetries(Config{OutboundURL: rc.URL, Clock: clock}))
	acct := org.firstID(t, "SELECT Id FROM Account LIMIT 1")
	if err := org.Update("Account", acct, map[string]any{"Phone": "1"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	<-failed
	mu.Lock()
	now = now.Add(DefaultOutboundMaxAge + time.Minute)
	mu.Unlock()
	waitIdle(t, org.Server)
	if st := org.OutboundStats(); st.Dropped != 1 || st.Acked != 0 || st.Pending != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestOutboundSessionIDAndOwnURL(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) { ack(w) })
	rules := []OutboundRule{{Object: "contact", Fields: []string{"lastname", "Email"}, URL: rc.URL, SendSessionID: true,
		Criteria: func(rec map[string]any) bool { return rec["Email"] != nil }}}
	org := startOrg(t, fastRetries(Config{Outbound: rules}))
	if _, err := org.Create("Contact", map[string]any{"LastName": "No mail"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	if _, err := org.Create("Contact", map[string]any{"LastName": "Mail", "Email": "m@x.example"}, org.SalesUser()); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, org.Server)
	got := rc.messages()
	if len(got) != 1 {
		t.Fatalf("criteria: %d messages", len(got))
	}
	session := got[0].msg.Body.Notifications.SessionID
	if session.Nil != "" || !strings.HasPrefix(session.Value, org.OrgID()[:15]+"!") {
		t.Fatalf("SessionId %+v", session)
	}
	if r := org.call(t, "GET", v+"/limits", session.Value, nil); r.status != 200 {
		t.Fatalf("the message's session does not work: %d", r.status)
	}
	if f := sObjectFields(t, got[0].msg, 0); f["LastName"] != "Mail" || len(f) != 3 {
		t.Fatalf("fields %v", f)
	}
}

func TestCloseStopsDelivery(t *testing.T) {
	before := goleak.IgnoreCurrent()
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	rc := newReceiver(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	events := newEventsReceiver(t, func(int) int {
		arrived <- struct{}{}
		<-release
		return http.StatusOK
	})
	s, err := New(fastRetries(Config{BaseURL: "http://sandbox.test", OutboundURL: rc.URL, OutboundTimeout: time.Hour,
		Events: fastEvents(events.URL)}))
	if err != nil {
		t.Fatal(err)
	}
	acct, _ := s.Query("SELECT Id FROM Account LIMIT 1")
	if err := s.Update("Account", acct[0]["Id"].(string), map[string]any{"Phone": "1"}, s.SalesUser()); err != nil {
		t.Fatal(err)
	}
	<-arrived // the Outbound Message and the change event are both in flight
	<-arrived
	s.Close() // must not wait for the hour-long delivery attempt
	s.Close()
	if err := s.Update("Account", acct[0]["Id"].(string), map[string]any{"Phone": "2"}, s.SalesUser()); err != nil {
		t.Fatalf("writes after Close: %v", err)
	}
	close(release)
	rc.Close()
	events.Close()
	goleak.VerifyNone(t, before)
}
