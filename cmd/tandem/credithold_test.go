package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/credithold"
)

// The F5 tests change a linked customer's credit in NetSuite as a UI user
// (an inline edit fires the SuiteScript webhook) and check the account,
// its owner's Tasks and the episodes Tandem counted.

// setCredit edits a customer's credit fields in the NetSuite UI.
func (h *harness) setCredit(nsID string, fields map[string]any) {
	h.t.Helper()
	if err := h.p.sandboxes.ns.PutFields("customer", nsID, fields); err != nil {
		h.t.Fatal(err)
	}
}

func override(v string) map[string]any {
	return map[string]any{"creditHoldOverride": map[string]any{"id": v}}
}

func (h *harness) account(sfID string) map[string]any {
	h.t.Helper()
	a, ok := h.p.sandboxes.sf.Get("Account", sfID)
	if !ok {
		h.t.Fatalf("account %s missing", sfID)
	}
	return a
}

// holdTasks are the credit hold Tasks on an account.
func (h *harness) holdTasks(sfID string) []map[string]any {
	h.t.Helper()
	tasks, err := h.p.sandboxes.sf.Query("SELECT Id, OwnerId, Subject, Status, Priority, ActivityDate, Tandem_Key__c FROM Task WHERE WhatId = '" +
		sfID + "' AND Tandem_Key__c != null")
	if err != nil {
		h.t.Fatal(err)
	}
	return tasks
}

func (h *harness) episodes(nsID string) int {
	h.t.Helper()
	n, err := credithold.Episodes(context.Background(), h.p.app.redis.Client, nsID)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestCreditHoldOverrideAlertsTheOwnerOnce: override ON flags the account
// and gives its owner one Task; back to AUTO clears the flags and
// completes the Task.
func TestCreditHoldOverrideAlertsTheOwnerOnce(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(4)
	h.setCredit(nsID, override("ON"))
	h.waitFor("the hold on the account", func() bool { return h.account(sfID)["Credit_Hold__c"] == true })
	h.settle()
	acct := h.account(sfID)
	if str(acct, "Credit_Hold_Reason__c") != "Credit hold set on in NetSuite" {
		t.Errorf("reason %q", str(acct, "Credit_Hold_Reason__c"))
	}
	tasks := h.holdTasks(sfID)
	if len(tasks) != 1 {
		t.Fatalf("%d Tasks, want 1: %v", len(tasks), tasks)
	}
	task := tasks[0]
	due := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	if str(task, "OwnerId") != str(acct, "OwnerId") || str(task, "Status") != "Not Started" || str(task, "Priority") != "High" ||
		str(task, "ActivityDate") != due || str(task, "Tandem_Key__c") != "credithold:"+nsID+":1" {
		t.Errorf("task %v; want the owner %s's, Not Started, High, due %s", task, str(acct, "OwnerId"), due)
	}

	h.setCredit(nsID, override("AUTO"))
	h.waitFor("the hold released", func() bool { return h.account(sfID)["Credit_Hold__c"] == false })
	h.settle()
	if r := h.account(sfID)["Credit_Hold_Reason__c"]; r != nil && r != "" {
		t.Errorf("reason %v left after release", r)
	}
	tasks = h.holdTasks(sfID)
	if len(tasks) != 1 || str(tasks[0], "Status") != "Completed" {
		t.Errorf("after release: %v, want the one Task Completed", tasks)
	}
}

// TestCreditHoldOverdueBeyondThreshold: a customer overdue longer than the
// rules' 30 days is on hold with the overdue reason. The A/R figures stand
// in for time passed (the sandbox keeps figures set on a customer without
// transactions; time passing fires no event, so the sweep re-enqueues
// such customers: the job is the same).
func TestCreditHoldOverdueBeyondThreshold(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(5)
	h.setCredit(nsID, map[string]any{"balance": 1200.0, "overdueBalance": 800.0, "daysOverdue": 30.0})
	h.settle()
	if h.account(sfID)["Credit_Hold__c"] == true || len(h.holdTasks(sfID)) != 0 {
		t.Fatal("30 days overdue is not beyond the 30-day threshold, but the account is on hold")
	}
	h.setCredit(nsID, map[string]any{"daysOverdue": 31.0})
	h.waitFor("the overdue hold", func() bool { return h.account(sfID)["Credit_Hold__c"] == true })
	h.settle()
	if r := str(h.account(sfID), "Credit_Hold_Reason__c"); r != "800.00 overdue for 31 days" {
		t.Errorf("reason %q", r)
	}
	if n := len(h.holdTasks(sfID)); n != 1 {
		t.Errorf("%d Tasks, want 1", n)
	}
}

// TestCreditHoldTenTogglesMakeOneTaskPerEpisode toggles the override ten
// times quickly, ending ON: the Tasks are exactly the episodes Tandem saw
// (each job reads the customer as it is then, so several toggles may fall
// into one episode), each once, and only the last is open.
func TestCreditHoldTenTogglesMakeOneTaskPerEpisode(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(6)
	for i := range 10 {
		h.setCredit(nsID, override(map[bool]string{true: "ON", false: "OFF"}[i%2 == 1]))
	}
	h.settle()
	episodes := h.episodes(nsID)
	tasks := h.holdTasks(sfID)
	keys, open := map[string]bool{}, 0
	for _, task := range tasks {
		keys[str(task, "Tandem_Key__c")] = true
		if str(task, "Status") != "Completed" {
			open++
			if str(task, "Tandem_Key__c") != fmt.Sprintf("credithold:%s:%d", nsID, episodes) {
				t.Errorf("open task %v is not the last episode's", task)
			}
		}
	}
	if episodes < 1 || len(tasks) != episodes || len(keys) != episodes || open != 1 {
		t.Errorf("%d episodes, %d Tasks with %d distinct keys, %d open; want one Task per episode, the last open",
			episodes, len(tasks), len(keys), open)
	}
	if h.account(sfID)["Credit_Hold__c"] != true {
		t.Error("account not on hold after the last toggle (ON)")
	}
	t.Logf("10 toggles: %d episodes observed", episodes)
}

// TestCreditHoldReplayMakesNoTask runs the customer's job again, as a
// replay or the sweep would: with the standing unchanged it asks nothing of
// Salesforce; after a simulated crash between creating the Task and
// recording it, the Task is found by its key and none is added.
func TestCreditHoldReplayMakesNoTask(t *testing.T) {
	t.Parallel()
	h := startTandem(t)
	sfID, nsID := h.linkedPair(7)
	h.setCredit(nsID, override("ON"))
	h.waitFor("the hold on the account", func() bool { return h.account(sfID)["Credit_Hold__c"] == true })
	h.settle()
	payload, _ := json.Marshal(jobs.Change{Source: jobs.SourceNetSuiteSweep, Object: "customer", RecordID: nsID,
		EventID: "replay", ReceivedAt: time.Now(), CorrelationID: "replay"})
	client := asynq.NewClientFromRedisClient(h.p.app.redis.Client)
	defer client.Close()
	replay := func(name string) {
		for i := range 2 {
			if _, err := client.Enqueue(asynq.NewTask(jobs.TypeCreditHold, payload), asynq.Queue(jobs.QueueNetSuiteToSalesforce),
				asynq.TaskID(fmt.Sprintf("credithold-%s-%d", name, i))); err != nil {
				t.Fatal(err)
			}
		}
		h.settle()
	}

	salesforceCalls := func() float64 {
		return h.metricSum(metrics.RemoteCallsTotal, map[string]string{"system": "salesforce"})
	}
	before := salesforceCalls()
	replay("unchanged")
	if calls := salesforceCalls() - before; calls != 0 {
		t.Errorf("replays of an unchanged standing made %v Salesforce calls, want 0", calls)
	}

	// A crash after creating the Task and before recording it leaves the
	// write-ahead note (the episode) without the Task's id or the applied
	// decision.
	if err := h.p.app.redis.Client.HDel(context.Background(), "tandem:credithold:{"+nsID+"}", "task", "applied").Err(); err != nil {
		t.Fatal(err)
	}
	replay("after-crash")
	if n := len(h.holdTasks(sfID)); n != 1 {
		t.Errorf("%d Tasks after replays, want 1", n)
	}
	if h.episodes(nsID) != 1 {
		t.Errorf("%d episodes, want 1", h.episodes(nsID))
	}
}
