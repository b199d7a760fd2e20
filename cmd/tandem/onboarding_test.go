package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/config"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/onboarding"
)

// The onboarding tests confirm NetSuite customers as a finance user would
// (an inline edit of entityStatus fires the SuiteScript webhook) and
// check the Onboarding__c records, their managers and Tasks in the
// Salesforce sandbox, with the shipped onboarding.yaml.

// confirm sets a customer's status in the NetSuite UI.
func (h *harness) confirm(nsID, statusID string) {
	h.t.Helper()
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"entityStatus": map[string]any{"id": statusID}}); err != nil {
		h.t.Fatal(err)
	}
}

// onboardings are a customer's Onboarding__c records.
func (h *harness) onboardings(nsID string) []map[string]any {
	h.t.Helper()
	recs, err := h.p.sandboxes.sf.Query("SELECT Id, Account__c, Opportunity__c, Manager__c, Status__c, Start_Date__c, Assigned_By__c, " +
		"SystemModstamp FROM Onboarding__c WHERE NetSuite_Customer_Id__c = '" + nsID + "'")
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

// onboardingTasks are the Tasks Tandem made for a customer's onboarding.
func (h *harness) onboardingTasks(nsID string) []map[string]any {
	h.t.Helper()
	recs, err := h.p.sandboxes.sf.Query("SELECT Id, WhatId, OwnerId, Subject, Status, Priority, ActivityDate, Tandem_Key__c FROM Task " +
		"WHERE Tandem_Key__c LIKE 'onboarding:" + nsID + ":%' ORDER BY Tandem_Key__c")
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

func (h *harness) onboarded(nsID string) string {
	h.t.Helper()
	id, err := onboarding.Started(context.Background(), h.p.app.redis.Client, nsID)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

// activeManagers are the seeded managers the shipped file may assign.
func activeManagers() []string {
	var ids []string
	for _, m := range sfsandbox.Managers {
		if m.Active {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// checkOnboarding checks a customer has exactly one onboarding record
// under its account with an active manager, and its five Tasks (four
// steps and the owner's note), once each; it returns the record.
func (h *harness) checkOnboarding(nsID, accountID string) map[string]any {
	h.t.Helper()
	recs := h.onboardings(nsID)
	if len(recs) != 1 {
		h.t.Fatalf("%d onboarding records for customer %s, want 1: %v", len(recs), nsID, recs)
	}
	rec := recs[0]
	if str(rec, "Account__c") != accountID || str(rec, "Status__c") != "In Progress" || !slices.Contains(activeManagers(), str(rec, "Manager__c")) {
		h.t.Errorf("onboarding %v: want account %s, In Progress, an active manager", rec, accountID)
	}
	owner := str(h.account(accountID), "OwnerId")
	tasks := h.onboardingTasks(nsID)
	want := []struct{ key, owner string }{{"1", str(rec, "Manager__c")}, {"2", str(rec, "Manager__c")}, {"3", owner},
		{"4", str(rec, "Manager__c")}, {"notify", owner}}
	if len(tasks) != len(want) {
		h.t.Fatalf("%d onboarding Tasks, want %d: %v", len(tasks), len(want), tasks)
	}
	for i, w := range want {
		task := tasks[i]
		if str(task, "Tandem_Key__c") != onboarding.TaskKey(nsID, w.key) || str(task, "OwnerId") != w.owner ||
			str(task, "WhatId") != str(rec, "Id") || str(task, "Status") != "Not Started" || str(task, "ActivityDate") < str(rec, "Start_Date__c") {
			h.t.Errorf("task %d %v: want key %s, owner %s, on the onboarding, Not Started", i, task, w.key, w.owner)
		}
	}
	return rec
}

// TestOnboardingWhenAClosedDealsCustomerIsConfirmed: a won deal makes a
// NetSuite customer (F1) that starts nothing until finance confirms it;
// then Salesforce gets one onboarding under the account and the won
// opportunity, a manager and the sequence. Re-sends, a replayed job and
// a lost Redis note write nothing new.
func TestOnboardingWhenAClosedDealsCustomerIsConfirmed(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	oppID, accountID, _ := h.wonDealWithOrder()
	nsID := str(h.account(accountID), "NetSuite_Id__c")
	if n := len(h.onboardings(nsID)); n != 0 {
		t.Fatalf("%d onboardings before the customer is confirmed", n)
	}
	h.confirm(nsID, nssandbox.StatusClosedWon)
	h.waitFor("the onboarding started", func() bool { return h.onboarded(nsID) != "" })
	h.settle()
	rec := h.checkOnboarding(nsID, accountID)
	if str(rec, "Opportunity__c") != oppID {
		t.Errorf("onboarding opportunity %q, want the won deal %s", str(rec, "Opportunity__c"), oppID)
	}
	before, tasksBefore := rec["SystemModstamp"], h.onboardingTasks(nsID)

	// a re-sent status, an edit of another field, a replayed job, and the
	// same job after Redis lost the done note: nothing new
	h.confirm(nsID, nssandbox.StatusClosedWon)
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, map[string]any{"phone": "+1 555 0199"}); err != nil {
		t.Fatal(err)
	}
	enq := h.p.app.enqueuer()
	ch := jobs.Change{Source: jobs.SourceNetSuiteSweep, Object: "customer", RecordID: nsID, ChangeType: jobs.ChangeUpdate,
		ReceivedAt: time.Now(), CorrelationID: "replay-1"}
	if _, err := enq.Enqueue(t.Context(), jobs.TypeOnboarding, "onboarding-replay-1:"+nsID, ch); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if err := h.p.app.redis.Client.Del(t.Context(), "tandem:onboarding:{"+nsID+"}").Err(); err != nil {
		t.Fatal(err)
	}
	ch.CorrelationID = "replay-2"
	if _, err := enq.Enqueue(t.Context(), jobs.TypeOnboarding, "onboarding-replay-2:"+nsID, ch); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the replay after the lost note", func() bool { return h.onboarded(nsID) != "" })
	h.settle()
	rec = h.checkOnboarding(nsID, accountID)
	if rec["SystemModstamp"] != before {
		t.Errorf("the onboarding record was written again: SystemModstamp %v, was %v", rec["SystemModstamp"], before)
	}
	if after := h.onboardingTasks(nsID); !slices.EqualFunc(after, tasksBefore, func(a, b map[string]any) bool { return a["Id"] == b["Id"] }) {
		t.Errorf("Tasks changed by re-sends and replays: %v, were %v", after, tasksBefore)
	}
	if a := h.archived(); len(a) != 0 {
		t.Errorf("archived jobs: %v", a)
	}
}

// TestOnboardingProspectStartsNothingUntilConfirmed: a prospect created in
// NetSuite is linked (F2) but starts nothing, and draws no manager; the
// status finance sets to a customer one starts it once.
func TestOnboardingProspectStartsNothingUntilConfirmed(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ns := h.p.sandboxes.ns
	nsID, err := ns.Put("customer", map[string]any{"companyName": "Prospect Onboarding Co", "subsidiary": map[string]any{"id": "1"},
		"entityStatus": map[string]any{"id": nssandbox.StatusInNegotiation}})
	if err != nil {
		t.Fatal(err)
	}
	var accountID string
	h.waitFor("the prospect's account", func() bool {
		recs, _ := h.p.sandboxes.sf.Query("SELECT Id FROM Account WHERE NetSuite_Id__c = '" + nsID + "'")
		if len(recs) == 1 {
			accountID = str(recs[0], "Id")
		}
		return accountID != ""
	})
	h.settle()
	slots, err := onboarding.Slots(t.Context(), h.p.app.redis.Client, onboarding.PoolDefault)
	if err != nil {
		t.Fatal(err)
	}
	if _, drawn := slots[nsID]; len(h.onboardings(nsID)) != 0 || h.onboarded(nsID) != "" || drawn {
		t.Fatalf("a prospect started %d onboardings (slots %v)", len(h.onboardings(nsID)), slots)
	}
	// a dry-run with a file whose trigger takes prospects: who and what,
	// and nothing written (no record, no slot drawn)
	src, err := os.ReadFile("../../jobs/onboarding/onboarding.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := onboarding.ParseConfig([]byte(strings.Replace(string(src), "stages: [CUSTOMER]", "stages: [PROSPECT]", 1)), "prospects.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sf, ns2, err := h.p.app.connectors(t.Context(), h.base)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := onboarding.DryRun(t.Context(), onboarding.Deps{Salesforce: sf, NetSuite: ns2, Redis: h.p.app.redis.Client,
		Config: cfg, Logger: h.p.app.log}, nsID)
	if err != nil {
		t.Fatal(err)
	}
	out := plan.String()
	if plan.Skip != "" || plan.Manager.ID == "" || len(plan.Tasks) != 5 || strings.Count(out, "would create Task") != 5 {
		t.Errorf("dry-run of a linked prospect under a prospect trigger:\n%s", out)
	}
	slots, _ = onboarding.Slots(t.Context(), h.p.app.redis.Client, onboarding.PoolDefault)
	if len(h.onboardings(nsID)) != 0 || len(slots) != 0 {
		t.Fatalf("the dry-run wrote: %d onboardings, slots %v", len(h.onboardings(nsID)), slots)
	}

	h.confirm(nsID, nssandbox.StatusClosedWon)
	h.waitFor("the onboarding started", func() bool { return h.onboarded(nsID) != "" })
	h.settle()
	rec := h.checkOnboarding(nsID, accountID)
	if str(rec, "Opportunity__c") != "" {
		t.Errorf("opportunity %q on an onboarding with no won deal", str(rec, "Opportunity__c"))
	}
}

// TestOnboardingConfirmedBeforeLinkedStartsOnceLinked: a customer
// confirmed in NetSuite while no Account is linked to it (the webhook was
// off, so F2 has not seen it) waits, retrying, and starts once F2 links it.
func TestOnboardingConfirmedBeforeLinkedStartsOnceLinked(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ns := h.p.sandboxes.ns
	ns.SetWebhookURL("")
	nsID, err := ns.Put("customer", map[string]any{"companyName": "Confirmed Early Co", "subsidiary": map[string]any{"id": "1"},
		"entityStatus": map[string]any{"id": nssandbox.StatusClosedWon}})
	if err != nil {
		t.Fatal(err)
	}
	ch := jobs.Change{Source: jobs.SourceNetSuiteSweep, Object: "customer", RecordID: nsID, ChangeType: jobs.ChangeCreate,
		ReceivedAt: time.Now(), CorrelationID: "early"}
	if _, err := h.p.app.enqueuer().Enqueue(t.Context(), jobs.TypeOnboarding, "onboarding-early:"+nsID, ch); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the job waiting for the link", func() bool {
		tasks, _ := h.inspector.ListRetryTasks(jobs.QueueNetSuiteToSalesforce)
		for _, task := range tasks {
			if task.Type == jobs.TypeOnboarding && strings.Contains(task.LastErr, onboarding.ErrNotLinked.Error()) {
				return true
			}
		}
		return false
	})
	if n := len(h.onboardings(nsID)); n != 0 {
		t.Fatalf("%d onboardings before the link", n)
	}
	ns.SetWebhookURL(notifyURL(h.base, handlers.PathNetSuiteWebhook))
	if err := ns.PutFields("customer", nsID, map[string]any{"phone": "+1 555 0142"}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the onboarding started", func() bool { return h.onboarded(nsID) != "" })
	h.settle()
	recs, _ := h.p.sandboxes.sf.Query("SELECT Id FROM Account WHERE NetSuite_Id__c = '" + nsID + "'")
	if len(recs) != 1 {
		t.Fatalf("%d accounts linked to customer %s", len(recs), nsID)
	}
	h.checkOnboarding(nsID, str(recs[0], "Id"))
	if a := h.archived(); len(a) != 0 {
		t.Errorf("archived jobs: %v", a)
	}
}

// TestOnboardingRoundRobinAcrossTwoWorkers: two workers (the process's and
// a second asynq server with its own clients on the same Redis) onboard
// 100 new customers at once: each customer draws one round-robin slot, no
// slot twice, the inactive manager is skipped and the three active ones
// get 33 or 34 each. The customers come as the sweep brings them (jobs
// enqueued together, the webhook off), already linked.
func TestOnboardingRoundRobinAcrossTwoWorkers(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	ctx := t.Context()
	sf, ns, err := h.p.app.connectors(ctx, h.base)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := h.p.app.loadMappings()
	if err != nil {
		t.Fatal(err)
	}
	second, mux, err := h.p.app.worker(sf, ns, maps)
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(second.Shutdown)

	const n = 100
	ids, incoming := h.linkedConfirmedCustomers("Round Robin", n)
	sfSB := h.p.sandboxes.sf
	took, sfCalls, nsCalls := h.onboardAll(ids, incoming)
	// a measurement for the report, not a check
	t.Logf("%d onboardings in %s by two workers: %.2f Salesforce and %.2f NetSuite calls each", n, took.Round(time.Millisecond), sfCalls, nsCalls)
	slots, err := onboarding.Slots(ctx, h.p.app.redis.Client, onboarding.PoolDefault)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]string{}
	for _, id := range ids {
		slot, ok := slots[id]
		if other, dup := seen[slot]; !ok || dup {
			t.Errorf("customer %s: slot %d (drawn %t), also customer %s's", id, slot, ok, other)
		}
		seen[slot] = id
	}
	perManager := map[string]int{}
	for _, id := range ids {
		recs := h.onboardings(id)
		if len(recs) != 1 {
			t.Fatalf("customer %s has %d onboardings", id, len(recs))
		}
		perManager[str(recs[0], "Manager__c")]++
	}
	active := activeManagers()
	least, most := n, 0
	for _, m := range active {
		least, most = min(least, perManager[m]), max(most, perManager[m])
	}
	if len(perManager) != len(active) || most-least > 1 {
		t.Errorf("managers assigned %v, want only the %d active ones, within one of each other", perManager, len(active))
	}
	tasks, err := sfSB.Query("SELECT Id FROM Task WHERE Tandem_Key__c LIKE 'onboarding:%'")
	if err != nil || len(tasks) != 5*n {
		t.Errorf("%d onboarding Tasks (%v), want %d", len(tasks), err, 5*n)
	}
	if a := h.archived(); len(a) != 0 {
		t.Errorf("archived jobs: %v", a)
	}
}

// TestOnboardingCommands: `tandem onboarding check` checks the shipped
// file against fresh sandboxes (the inactive manager is a warning) and
// dry-run explains why a seeded customer would start nothing.
func TestOnboardingCommands(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := onboardingCommand(t.Context(), cfg, []string{"check"}, &out); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "shipped onboarding.yaml: ok") || !strings.Contains(out.String(), "0055e0000000006AAA (Jordan Gone) is inactive") {
		t.Errorf("check printed:\n%s", out.String())
	}
	out.Reset()
	if err := onboardingCommand(t.Context(), cfg, []string{"dry-run", "--customer", "102"}, &out); err != nil {
		t.Fatalf("dry-run: %v", err)
	}
	if !strings.Contains(out.String(), "nothing would start: customer has no status") {
		t.Errorf("dry-run printed:\n%s", out.String())
	}
	if err := onboardingCommand(t.Context(), cfg, []string{"dry-run"}, &out); err == nil {
		t.Error("dry-run without --customer was accepted")
	}
}

// linkedConfirmedCustomers makes n confirmed NetSuite customers, each
// linked to a new Account, with the webhook off, and returns their ids and
// the onboarding jobs a sweep would enqueue for them.
func (h *harness) linkedConfirmedCustomers(prefix string, n int) ([]string, []jobs.Incoming) {
	h.t.Helper()
	nsSB, sfSB := h.p.sandboxes.ns, h.p.sandboxes.sf
	nsSB.SetWebhookURL("")
	var ids []string
	var incoming []jobs.Incoming
	for i := range n {
		name := fmt.Sprintf("%s %03d", prefix, i)
		nsID, err := nsSB.Put("customer", map[string]any{"companyName": name, "subsidiary": map[string]any{"id": "1"},
			"entityStatus": map[string]any{"id": nssandbox.StatusClosedWon}})
		if err != nil {
			h.t.Fatal(err)
		}
		if _, err := sfSB.Create("Account", map[string]any{"Name": name, "NetSuite_Id__c": nsID, "BillingCountry": "United States"},
			sfSB.IntegrationUser()); err != nil {
			h.t.Fatal(err)
		}
		ids = append(ids, nsID)
		incoming = append(incoming, jobs.Incoming{Type: jobs.TypeOnboarding, ID: "onboard:" + nsID, Change: jobs.Change{
			Source: jobs.SourceNetSuiteSweep, Object: "customer", RecordID: nsID, ChangeType: jobs.ChangeCreate,
			ReceivedAt: time.Now(), CorrelationID: "onboard-" + nsID}})
	}
	return ids, incoming
}

// onboardAll enqueues the jobs together and waits for every onboarding:
// how long until the last started, and Salesforce and NetSuite calls per
// customer.
func (h *harness) onboardAll(ids []string, incoming []jobs.Incoming) (took time.Duration, sfCalls, nsCalls float64) {
	h.t.Helper()
	calls := func() (sf, ns float64) {
		return h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "salesforce"}),
			h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "netsuite"})
	}
	sfBefore, nsBefore := calls()
	start := time.Now()
	if _, err := h.p.app.enqueuer().EnqueueAll(h.t.Context(), incoming); err != nil {
		h.t.Fatal(err)
	}
	h.waitFor(fmt.Sprintf("%d onboardings", len(ids)), func() bool {
		for _, id := range ids {
			if h.onboarded(id) == "" {
				return false
			}
		}
		return true
	})
	took = time.Since(start)
	h.settle()
	sfAfter, nsAfter := calls()
	n := float64(len(ids))
	return took, (sfAfter - sfBefore) / n, (nsAfter - nsBefore) / n
}

// TestOnboardingChatterNoteIsPostedOnce: with notify via chatter (a file
// in TANDEM_ONBOARDING_RULES), the account owner's note is one post on the
// Account's feed, also after a replay that lost Redis's done note.
func TestOnboardingChatterNoteIsPostedOnce(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../jobs/onboarding/onboarding.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := t.TempDir() + "/onboarding.yaml"
	if err := os.WriteFile(file, []byte(strings.Replace(string(src), "via: task", "via: chatter", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	h := startTandem(t, "TANDEM_ONBOARDING_RULES", file)
	sfID, nsID := h.linkedPair(7)
	posts := func() []map[string]any {
		recs, err := h.p.sandboxes.sf.Query("SELECT Id, Body FROM FeedItem WHERE ParentId = '" + sfID + "'")
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	h.confirm(nsID, nssandbox.StatusClosedWon)
	h.waitFor("the onboarding started", func() bool { return h.onboarded(nsID) != "" })
	h.settle()
	if err := h.p.app.redis.Client.Del(t.Context(), "tandem:onboarding:{"+nsID+"}").Err(); err != nil {
		t.Fatal(err)
	}
	ch := jobs.Change{Source: jobs.SourceNetSuiteSweep, Object: "customer", RecordID: nsID, ChangeType: jobs.ChangeUpdate,
		ReceivedAt: time.Now(), CorrelationID: "chatter-replay"}
	if _, err := h.p.app.enqueuer().Enqueue(t.Context(), jobs.TypeOnboarding, "onboarding-chatter-replay:"+nsID, ch); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the replay", func() bool { return h.onboarded(nsID) != "" })
	h.settle()
	p := posts()
	if len(p) != 1 || !strings.Contains(str(p[0], "Body"), "is a new customer") {
		t.Errorf("posts on the account: %v, want one onboarding note", p)
	}
	if tasks := h.onboardingTasks(nsID); len(tasks) != 4 {
		t.Errorf("%d onboarding Tasks, want the 4 steps (no note Task with chatter)", len(tasks))
	}
}
