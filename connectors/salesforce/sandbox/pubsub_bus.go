package sandbox

import (
	"encoding/binary"
	"maps"
	"sync"
	"time"
)

// Defaults of the Pub/Sub API emulation.
const (
	// DefaultPubSubRetention: change events are kept 72 hours.
	DefaultPubSubRetention = 72 * time.Hour
	// DefaultPubSubKeepAlive: an empty FetchResponse within 270 seconds
	// when requests are outstanding and no event comes.
	DefaultPubSubKeepAlive = 270 * time.Second
	// MaxPubSubRequested is the most events outstanding on one Subscribe.
	MaxPubSubRequested = 100
)

// PubSubConfig configures the Pub/Sub API the sandbox serves. Zero values
// mean the defaults.
type PubSubConfig struct {
	// Retention is how long events stay replayable; a CUSTOM replay id
	// older than that is refused.
	Retention time.Duration
	// KeepAlive is how long a Subscribe with requests outstanding waits
	// for an event before it sends an empty FetchResponse.
	KeepAlive time.Duration
}

func (c PubSubConfig) withDefaults() PubSubConfig {
	if c.Retention <= 0 {
		c.Retention = DefaultPubSubRetention
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = DefaultPubSubKeepAlive
	}
	return c
}

// stampedEvent is a committed change event with its place on the event
// bus: the same replay id reaches the forwarder's JSON and the Pub/Sub
// stream, so both paths make the same jobs.
type stampedEvent struct {
	ChangeEvent
	seq          int // place in its transaction
	commitNumber uint64
	replayID     uint64
}

// busEvent is one event as the Pub/Sub API serves it.
type busEvent struct {
	replayID uint64
	at       time.Time
	uuid     string
	schemaID string
	payload  []byte
}

// eventBus keeps the org's events per topic for the retention window.
// Replay ids are org-wide, so a topic's ids have gaps.
type eventBus struct {
	mu     sync.Mutex
	latest uint64 // the last replay id given out
	purged uint64 // events with ids ≤ purged are gone
	topics map[string][]busEvent
	stats  map[string]PubSubTopicStats
	wake   chan struct{} // closed and replaced when events arrive
}

func newEventBus(start uint64) *eventBus {
	return &eventBus{latest: start, purged: start, topics: map[string][]busEvent{}, stats: map[string]PubSubTopicStats{}, wake: make(chan struct{})}
}

// announce stamps the change events of one committed transaction of the
// objects selected for Change Data Capture and hands them to the
// forwarder and the Pub/Sub topics. Caller holds s.mu, so both follow
// commit order.
func (s *Server) announce(events []ChangeEvent) {
	s.commitNumber++
	var stamped []stampedEvent
	for i, ev := range events {
		if !s.cdcSelected[ev.Object] {
			continue
		}
		s.bus.mu.Lock()
		s.bus.latest++
		id := s.bus.latest
		s.bus.mu.Unlock()
		stamped = append(stamped, stampedEvent{ChangeEvent: ev, seq: i + 1, commitNumber: s.commitNumber, replayID: id})
	}
	if s.events != nil { // nil while seeding
		s.events.forward(stamped)
	}
	s.publishPubSub(stamped)
}

// publishPubSub encodes the events in Avro onto their topics. Caller holds s.mu.
func (s *Server) publishPubSub(events []stampedEvent) {
	now := s.cfg.Clock()
	var add []topicEvent
	for _, ev := range events {
		cs := s.cdcSchemas[ev.Object]
		payload, err := cs.encode(s, ev.ChangeEvent, ev.seq, ev.commitNumber)
		if err != nil {
			s.log.Error("salesforce sandbox: change event not encoded for the Pub/Sub API", "object", ev.Object, "id", ev.RecordID, "err", err)
			continue
		}
		add = append(add, topicEvent{changeEventTopic(ev.Object), busEvent{replayID: ev.replayID, at: now, uuid: transactionKey(), schemaID: cs.id, payload: payload}})
	}
	s.bus.push(now.Add(-s.cfg.PubSub.Retention), func(func() uint64) []topicEvent { return add })
}

// topicEvent is an event bound for a topic.
type topicEvent struct {
	topic string
	ev    busEvent
}

// push adds the events build returns (build may take new replay ids with
// next), drops those older than cutoff and wakes the subscriptions.
func (b *eventBus) push(cutoff time.Time, build func(next func() uint64) []topicEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	add := build(func() uint64 { b.latest++; return b.latest })
	for _, a := range add {
		b.topics[a.topic] = append(b.topics[a.topic], a.ev)
		st := b.stats[a.topic]
		st.Latest = a.ev.replayID
		b.stats[a.topic] = st
	}
	b.prune(cutoff)
	if len(add) > 0 {
		close(b.wake)
		b.wake = make(chan struct{})
	}
}

// prune drops events committed before cutoff. Caller holds b.mu.
func (b *eventBus) prune(cutoff time.Time) {
	for topic, evs := range b.topics {
		n := 0
		for n < len(evs) && evs[n].at.Before(cutoff) {
			b.purged = max(b.purged, evs[n].replayID)
			n++
		}
		if n > 0 {
			b.topics[topic] = append([]busEvent(nil), evs[n:]...)
		}
	}
}

// PurgePubSubEvents drops every event committed before cutoff, as the
// event bus does after the retention window; replay ids up to the newest
// dropped one are then refused.
func (s *Server) PurgePubSubEvents(cutoff time.Time) {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.bus.prune(cutoff)
}

// after returns up to n events of topic with ids > pos, and the org's
// latest replay id. Caller holds b.mu.
func (b *eventBus) after(topic string, pos uint64, n int) []busEvent {
	var out []busEvent
	for _, ev := range b.topics[topic] {
		if ev.replayID > pos {
			out = append(out, ev)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

func changeEventTopic(object string) string {
	if len(object) > 3 && object[len(object)-3:] == "__c" {
		return "/data/" + object[:len(object)-1] + "ChangeEvent"
	}
	return "/data/" + object + "ChangeEvent"
}

// replayBytes is a replay id as the API sends it: 8 bytes, big-endian
// (the npm client reads them with readBigUInt64BE).
func replayBytes(id uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, id)
}

// setUpCDC builds the change event schemas of the selected objects and
// the event bus. Replay ids never repeat in an org, and Tandem dedups on
// them: a restarted sandbox carries on after the ids of its previous run.
func (s *Server) setUpCDC(selected map[string]bool) error {
	s.cdcSelected, s.cdcSchemas = selected, map[string]*cdcSchema{}
	for name := range selected {
		o, _ := s.schema.Object(name)
		cs, err := newCDCSchema(o)
		if err != nil {
			return err
		}
		s.cdcSchemas[o.Name] = cs
	}
	start := uint64(time.Now().UnixMicro())
	s.commitNumber = start
	s.bus = newEventBus(start)
	return nil
}

// PubSubStats is what the Pub/Sub API served so far, by topic.
type PubSubStats struct {
	Topics map[string]PubSubTopicStats
}

// PubSubTopicStats is one topic's part: Latest is the replay id of its
// newest event (0: none yet), which a subscriber that stored it has
// handled; Streams counts the Subscribe calls accepted on it, so every
// one past the first is a subscriber restart or takeover.
type PubSubTopicStats struct {
	Latest  uint64
	Streams int
}

// PubSubStats returns the Pub/Sub counters.
func (s *Server) PubSubStats() PubSubStats {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return PubSubStats{Topics: maps.Clone(s.bus.stats)}
}
