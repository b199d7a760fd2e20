package credithold

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// An episode is one stretch of time a customer is on hold: it opens when
// Tandem first sees the customer on hold and closes when it sees it
// released. The account owner gets one Task per episode. The state lives
// in Redis, one hash per customer:
//
//	episode  the number of the current (or last) episode
//	on       1 while an episode is open
//	task     the episode's Task id, once created and recorded
//	posted   1 once the episode's Chatter post is made
//	applied  the last decision written to Salesforce in full ("hold:" and
//	         its reason, or "release"); a job whose decision equals it
//	         makes no Salesforce call at all
//
// The episode number is written before its Task is created (the
// write-ahead note), and the Task carries the episode key in
// Tandem_Key__c, so a retry after a crash between the two finds the Task
// instead of making a second one. Before creating a Task the flow looks
// for any open hold Task of the customer (key prefix credithold:<id>:) and
// adopts it with its number: losing this hash mid-episode restarts the
// count but never makes a second open Task or a second post.
type episode struct {
	Number  int
	On      bool
	TaskID  string
	Posted  bool
	Applied string
}

// decisionMemo is how a decision is kept in the applied field.
func decisionMemo(hold bool, reason string) string {
	if hold {
		return "hold:" + reason
	}
	return "release"
}

// Key is the Tandem_Key__c of an episode's Task.
func episodeKey(customerID string, number int) string {
	return fmt.Sprintf("credithold:%s:%d", customerID, number)
}

// episodeKeyPrefix matches every episode key of a customer (SOQL LIKE).
func episodeKeyPrefix(customerID string) string { return "credithold:" + customerID + ":" }

type episodes struct{ rdb redis.UniversalClient }

func stateKey(customerID string) string { return "tandem:credithold:{" + customerID + "}" }

func lockKey(customerID string) string { return stateKey(customerID) + ":lock" }

func (e episodes) load(ctx context.Context, customerID string) (episode, error) {
	m, err := e.rdb.HGetAll(ctx, stateKey(customerID)).Result()
	if err != nil {
		return episode{}, fmt.Errorf("reading the credit hold state of customer %s: %w", customerID, err)
	}
	n, _ := strconv.Atoi(m["episode"])
	return episode{Number: n, On: m["on"] == "1", TaskID: m["task"], Posted: m["posted"] == "1", Applied: m["applied"]}, nil
}

func (e episodes) save(ctx context.Context, customerID string, ep episode) error {
	err := e.rdb.HSet(ctx, stateKey(customerID), "episode", ep.Number, "on", flag(ep.On), "task", ep.TaskID,
		"posted", flag(ep.Posted), "applied", ep.Applied).Err()
	if err != nil {
		return fmt.Errorf("recording episode %d of customer %s: %w", ep.Number, customerID, err)
	}
	return nil
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Episodes is how many hold episodes Tandem has opened for a customer.
func Episodes(ctx context.Context, rdb redis.UniversalClient, customerID string) (int, error) {
	ep, err := episodes{rdb}.load(ctx, customerID)
	return ep.Number, err
}
