package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
)

// clusterTopics are the topics the workers of a pubsub cluster subscribe to.
var clusterTopics = []string{"/data/AccountChangeEvent", "/data/ContactChangeEvent"}

// streamed reports whether, for every topic, the replay id stored in Redis
// has reached the sandbox's newest event: the subscriber stores it only
// after the jobs of every event up to it, so with the queues idle too,
// every change event has had its effect. Always true without pubsub.
func (c *cluster) streamed() (bool, string) {
	if !c.pubsub {
		return true, ""
	}
	st, err := c.sandboxes.sfStats()
	if err != nil {
		return false, err.Error()
	}
	rdb := c.redis.Client()
	defer rdb.Close()
	for topic, ts := range st.PubSub.Topics {
		if ts.Latest == 0 {
			continue
		}
		raw, ok, err := pubsub.StoredReplayID(context.Background(), rdb, topic)
		if err != nil || !ok {
			return false, fmt.Sprintf("pubsub %s: no stored replay id (%v); newest event %d", topic, err, ts.Latest)
		}
		id, err := pubsub.ReplayID(raw)
		if err != nil || id < ts.Latest {
			return false, fmt.Sprintf("pubsub %s: stored replay id %d behind the newest event %d %v", topic, id, ts.Latest, err)
		}
	}
	return true, ""
}

// leaseHolder is the index of the worker streaming topic, or -1. A
// worker's subscriber logs its owner name when it takes a lease.
func (c *cluster) leaseHolder(topic string) int {
	c.t.Helper()
	rdb := c.redis.Client()
	defer rdb.Close()
	owner, ok, err := pubsub.LeaseHolder(context.Background(), rdb, topic)
	if err != nil {
		c.t.Fatal(err)
	}
	if !ok {
		return -1
	}
	for i, w := range c.workers {
		if strings.Contains(w.Logs(), fmt.Sprintf("%q:%q", "owner", owner)) {
			return i
		}
	}
	return -1
}

// killStreamingWorker SIGKILLs the worker holding the first topic's lease
// (worker i when none holds it) and reports whether it held it: another
// takes the stream over once the lease runs out, from the replay id
// stored last.
func (c *cluster) killStreamingWorker(i int) (holder bool) {
	c.t.Helper()
	if h := c.leaseHolder(clusterTopics[0]); h >= 0 {
		i, holder = h, true
	}
	c.killWorker(i)
	return holder
}

// streams counts the Subscribe calls the sandbox accepted per topic.
func (c *cluster) streams() map[string]int {
	c.t.Helper()
	st, err := c.sandboxes.sfStats()
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[string]int{}
	for topic, ts := range st.PubSub.Topics {
		out[topic] = ts.Streams
	}
	return out
}
