package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCreditHoldStateLossKeepsOneTaskAndPost: the episode state in Redis
// is lost mid-episode (a flush, a failover without persistence); the next
// job for the customer adopts the open Task it finds in Salesforce instead
// of opening a second one, makes no second Chatter post, and the release
// completes that Task.
func TestCreditHoldStateLossKeepsOneTaskAndPost(t *testing.T) {
	t.Parallel()
	shipped, err := os.ReadFile(filepath.Join("..", "..", "jobs", "credithold", "credit_hold.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(t.TempDir(), "credit_hold.yaml")
	if err := os.WriteFile(rules, bytes.Replace(shipped, []byte("enabled: false"), []byte("enabled: true"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	h := startTandem(t, "TANDEM_CREDIT_HOLD_RULES", rules)
	sfID, nsID := h.linkedPair(8)
	posts := func() int {
		rows, err := h.p.sandboxes.sf.Query("SELECT Id FROM FeedItem WHERE ParentId = '" + sfID + "'")
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	h.setCredit(nsID, override("ON"))
	h.waitFor("the hold on the account", func() bool { return h.account(sfID)["Credit_Hold__c"] == true })
	h.settle()
	tasks := h.holdTasks(sfID)
	if len(tasks) != 1 || posts() != 1 {
		t.Fatalf("%d Tasks and %d posts after the hold, want 1 and 1", len(tasks), posts())
	}
	taskID := str(tasks[0], "Id")

	if err := h.p.app.redis.Client.Del(t.Context(), "tandem:credithold:{"+nsID+"}").Err(); err != nil {
		t.Fatal(err)
	}
	h.setCredit(nsID, map[string]any{"creditLimit": 5000}) // a change that runs the customer's job again
	h.settle()
	if tasks = h.holdTasks(sfID); len(tasks) != 1 || str(tasks[0], "Id") != taskID {
		t.Errorf("after losing the state: Tasks %v, want only %s", tasks, taskID)
	}
	if n := posts(); n != 1 {
		t.Errorf("after losing the state: %d posts, want 1", n)
	}

	h.setCredit(nsID, override("AUTO"))
	h.waitFor("the hold released", func() bool { return h.account(sfID)["Credit_Hold__c"] == false })
	h.settle()
	if tasks = h.holdTasks(sfID); len(tasks) != 1 || str(tasks[0], "Status") != "Completed" {
		t.Errorf("after release: %v, want the adopted Task Completed", tasks)
	}
}
