package pubsub

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub/eventbusv1"
	"google.golang.org/grpc/metadata"
)

// Defaults of a Subscriber.
const (
	DefaultLease = 10 * time.Second
	// MaxRequested is the most events one Subscribe may have outstanding.
	MaxRequested = 100
	keyPrefix    = "tandem:pubsub:"
	gapsKey      = keyPrefix + "gaps"
	maxGaps      = 100
)

// Sink stores the jobs of a batch of events, given as a JSON array in the
// Streaming API's shape; nil means every job is stored.
type Sink func(ctx context.Context, topic string, events json.RawMessage) error

// Subscriber keeps one Subscribe stream per topic open across all Tandem
// processes (a Redis lease per topic), hands each batch of events to Sink
// and only then stores the batch's last replay id, so a restart resumes
// after the last stored batch: at least once, never a gap. A stored
// replay id the server no longer has is logged at error level, counted,
// recorded in Redis (Gaps) and the topic resumes from EARLIEST.
type Subscriber struct {
	Client *Client
	Redis  redis.UniversalClient
	Topics []string
	Sink   Sink
	// Owner names this process in the leases; default a random id.
	Owner string
	// Lease is how long a lease lives without renewal (renewed every
	// third of it): another process takes a topic over within Lease after
	// its holder dies. Default DefaultLease.
	Lease time.Duration
	// Batch is num_requested, 1..100; default 100.
	Batch int
	// Backoff paces reconnects; default 1s doubling to 1m.
	Backoff connectors.Backoff
	// FromEarliest starts a topic with no stored replay id at EARLIEST
	// instead of LATEST.
	FromEarliest bool
	// OnReplayExpired is told of each expired replay id (a metric).
	OnReplayExpired func(topic string)
	Log             *slog.Logger

	events, expired, streams atomic.Int64
}

// Stats counts what the subscriber did since start.
type Stats struct {
	Events  int64 // events handed to Sink whose replay id is stored
	Expired int64 // stored replay ids the server no longer had
	Streams int64 // Subscribe streams opened
}

// Stats returns the counts so far.
func (s *Subscriber) Stats() Stats {
	return Stats{Events: s.events.Load(), Expired: s.expired.Load(), Streams: s.streams.Load()}
}

// Gap is a stretch of a topic's events that may never have been handed
// to Tandem: the events after AfterReplayID up to the oldest the server
// still had when Tandem resubscribed from EARLIEST at At.
type Gap struct {
	Topic         string    `json:"topic"`
	AfterReplayID string    `json:"after_replay_id"` // decimal
	At            time.Time `json:"at"`
	Error         string    `json:"error"`
}

// Gaps lists the recorded gaps, newest first.
func Gaps(ctx context.Context, rdb redis.UniversalClient) ([]Gap, error) {
	raws, err := rdb.LRange(ctx, gapsKey, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("pubsub: reading gaps: %w", err)
	}
	gaps := make([]Gap, 0, len(raws))
	for _, raw := range raws {
		var g Gap
		if json.Unmarshal([]byte(raw), &g) == nil {
			gaps = append(gaps, g)
		}
	}
	return gaps, nil
}

// StoredReplayID is the replay id stored for topic, if any.
func StoredReplayID(ctx context.Context, rdb redis.UniversalClient, topic string) ([]byte, bool, error) {
	v, err := rdb.Get(ctx, replayKey(topic)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("pubsub: reading the replay id of %s: %w", topic, err)
	}
	b, err := hex.DecodeString(v)
	return b, err == nil, err
}

// LeaseHolder is the Owner of the process streaming topic, if any.
func LeaseHolder(ctx context.Context, rdb redis.UniversalClient, topic string) (string, bool, error) {
	v, err := rdb.Get(ctx, leaseKey(topic)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("pubsub: reading the lease of %s: %w", topic, err)
	}
	return v, true, nil
}

func replayKey(topic string) string { return keyPrefix + "replay:" + topic }
func leaseKey(topic string) string  { return keyPrefix + "lease:" + topic }

// Run subscribes to every topic until ctx ends.
func (s *Subscriber) Run(ctx context.Context) error {
	if s.Owner == "" {
		s.Owner = fmt.Sprintf("%x", time.Now().UnixNano())
	}
	if s.Lease <= 0 {
		s.Lease = DefaultLease
	}
	if s.Batch <= 0 || s.Batch > MaxRequested {
		s.Batch = MaxRequested
	}
	if s.Backoff == (connectors.Backoff{}) {
		s.Backoff = connectors.Backoff{Base: time.Second, Cap: time.Minute}
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	var wg sync.WaitGroup
	for _, topic := range s.Topics {
		wg.Go(func() { s.runTopic(ctx, topic) })
	}
	wg.Wait()
	return nil
}

// runTopic waits for the topic's lease and, while it holds it, keeps a
// stream open.
func (s *Subscriber) runTopic(ctx context.Context, topic string) {
	for ctx.Err() == nil {
		ok, err := s.Redis.SetNX(ctx, leaseKey(topic), s.Owner, s.Lease).Result()
		if err != nil {
			s.Log.WarnContext(ctx, "pubsub: lease not taken", "topic", topic, "error", err)
		}
		if !ok {
			sleep(ctx, connectors.Jitter(s.Lease/3)+s.Lease/6)
			continue
		}
		s.Log.InfoContext(ctx, "pubsub: subscribing", "topic", topic, "owner", s.Owner)
		s.holdLease(ctx, topic)
	}
}

var renewScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`)
var releaseScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

// storeScript stores a replay id only while the lease is this process's.
var storeScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 end return 0`)

// holdLease renews the lease while streaming; losing it ends the stream.
func (s *Subscriber) holdLease(ctx context.Context, topic string) {
	lctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		t := time.NewTicker(s.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
				n, err := renewScript.Run(lctx, s.Redis, []string{leaseKey(topic)}, s.Owner, s.Lease.Milliseconds()).Int()
				if err == nil && n == 0 {
					cancel(errLeaseLost)
					return
				}
			}
		}
	}()
	s.stream(lctx, topic)
	// Detached: a stopping process hands the topic over at once.
	_ = releaseScript.Run(context.WithoutCancel(ctx), s.Redis, []string{leaseKey(topic)}, s.Owner).Err()
}

// stream keeps a Subscribe call open, reconnecting with back-off.
func (s *Subscriber) stream(ctx context.Context, topic string) {
	failures := 0
	earliest := false
	for ctx.Err() == nil {
		got, err := s.subscribe(ctx, topic, earliest)
		earliest = false
		if got {
			failures = 0
		}
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, errResubscribeEarliest):
			earliest = true
			continue
		case IsAuthError(err) && failures == 0:
			failures++ // a new session at once, then back off
			s.Log.InfoContext(ctx, "pubsub: session expired; subscribing with a new one", "topic", topic)
			continue
		}
		failures++
		wait := s.Backoff.Delay(failures)
		s.Log.WarnContext(ctx, "pubsub: stream ended; reconnecting", "topic", topic, "error", err, "attempt", failures, "wait", wait)
		sleep(ctx, wait)
	}
}

var errResubscribeEarliest = errors.New("pubsub: resubscribe from EARLIEST")

// subscribe runs one Subscribe call; got reports whether any response came.
func (s *Subscriber) subscribe(ctx context.Context, topic string, earliest bool) (got bool, err error) {
	stored, has, err := StoredReplayID(ctx, s.Redis, topic)
	if err != nil {
		return false, err
	}
	first := &eventbusv1.FetchRequest{TopicName: topic, NumRequested: int32(s.Batch)}
	switch {
	case earliest:
		first.ReplayPreset = eventbusv1.ReplayPreset_EARLIEST
	case has:
		first.ReplayPreset, first.ReplayId = eventbusv1.ReplayPreset_CUSTOM, stored
	case s.FromEarliest:
		first.ReplayPreset = eventbusv1.ReplayPreset_EARLIEST
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	actx, token, err := s.Client.withAuth(sctx)
	if err != nil {
		return false, err
	}
	st, err := s.Client.api.Subscribe(actx)
	if err != nil {
		return false, fmt.Errorf("pubsub: Subscribe %s: %w", topic, err)
	}
	s.streams.Add(1)
	if err := st.Send(first); err != nil {
		return false, s.streamError(ctx, topic, token, first, st.Trailer(), err)
	}
	for {
		resp, err := st.Recv()
		if err != nil {
			return got, s.streamError(ctx, topic, token, first, st.Trailer(), err)
		}
		got = true
		if err := s.handle(ctx, topic, resp); err != nil {
			return got, err
		}
		if owed := int(resp.GetPendingNumRequested()); owed <= s.Batch/2 {
			if err := st.Send(&eventbusv1.FetchRequest{TopicName: topic, NumRequested: int32(s.Batch - owed)}); err != nil {
				return got, s.streamError(ctx, topic, token, first, st.Trailer(), err)
			}
		}
	}
}

// handle stores the jobs of a response's events, then its replay id (a
// keepalive's latest replay id too).
func (s *Subscriber) handle(ctx context.Context, topic string, resp *eventbusv1.FetchResponse) error {
	last := resp.GetLatestReplayId()
	if n := len(resp.GetEvents()); n > 0 {
		batch := make([]json.RawMessage, 0, n)
		for _, ev := range resp.GetEvents() {
			schema, err := s.Client.Schema(ctx, ev.GetEvent().GetSchemaId())
			if err != nil {
				return err
			}
			msg, err := Streaming(topic, schema, ev)
			if err != nil {
				return err
			}
			batch = append(batch, msg)
		}
		body, err := json.Marshal(batch)
		if err != nil {
			return fmt.Errorf("pubsub: encoding a batch of %s: %w", topic, err)
		}
		if err := s.Sink(ctx, topic, body); err != nil {
			return fmt.Errorf("pubsub: storing the jobs of %d events of %s: %w", n, topic, err)
		}
		last = resp.GetEvents()[n-1].GetReplayId()
	}
	if len(last) == 0 {
		return nil
	}
	ok, err := storeScript.Run(ctx, s.Redis, []string{leaseKey(topic), replayKey(topic)}, s.Owner, hex.EncodeToString(last)).Int()
	if err != nil {
		return fmt.Errorf("pubsub: storing the replay id of %s: %w", topic, err)
	}
	if ok == 0 {
		return errLeaseLost
	}
	s.events.Add(int64(len(resp.GetEvents())))
	return nil
}

// streamError classifies the end of a stream: an expired replay id is
// recorded and answered with EARLIEST; an auth error drops the session.
func (s *Subscriber) streamError(ctx context.Context, topic, token string, first *eventbusv1.FetchRequest, trailer metadata.MD, err error) error {
	if IsAuthError(err) {
		s.Client.session.InvalidateSession(token)
		return err
	}
	code := ""
	if v := trailer.Get("error-code"); len(v) > 0 {
		code = v[0]
	}
	if first.GetReplayPreset() != eventbusv1.ReplayPreset_CUSTOM || !isReplayExpired(err, code) {
		return err
	}
	id, _ := ReplayID(first.GetReplayId())
	s.expired.Add(1)
	if s.OnReplayExpired != nil {
		s.OnReplayExpired(topic)
	}
	s.Log.ErrorContext(ctx, "pubsub: the stored replay id is past the event bus's retention; resubscribing from EARLIEST. "+
		"Changes made after it and before the oldest retained event were not received: run a sync (the drift audit) to heal them",
		"topic", topic, "replay_id", id, "error", err)
	gap, _ := json.Marshal(Gap{Topic: topic, AfterReplayID: fmt.Sprint(id), At: time.Now().UTC(), Error: err.Error()})
	pipe := s.Redis.TxPipeline()
	pipe.LPush(ctx, gapsKey, gap)
	pipe.LTrim(ctx, gapsKey, 0, maxGaps-1)
	if _, perr := pipe.Exec(ctx); perr != nil {
		return fmt.Errorf("pubsub: recording the gap of %s: %w", topic, perr)
	}
	return errResubscribeEarliest
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
