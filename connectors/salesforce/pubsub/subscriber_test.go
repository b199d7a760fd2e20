package pubsub_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// rig is a Salesforce sandbox serving REST over HTTP and the Pub/Sub API
// over gRPC, its JSON forwarder posting to Tandem's events endpoint (jobs
// in jsonDB), and what a subscriber needs (jobs in streamDB).
type rig struct {
	sb       *sandbox.Server
	grpcAddr string
	sf       *salesforce.Client
	jsonDB   *testredis.DB
	streamDB *testredis.DB
	ingest   *handlers.SalesforceEvents
	clock    *testClock
}

type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

func newRig(t testing.TB, tokenTTL time.Duration) *rig {
	t.Helper()
	r := &rig{jsonDB: testredis.New(t), streamDB: testredis.New(t), clock: &testClock{}}
	jsonEvents := &handlers.SalesforceEvents{Token: sandbox.DefaultEventsToken, OrgID: sandbox.DefaultOrgID,
		Enqueuer: jobs.NewEnqueuer(r.jsonDB.Client, 3), Logger: logging.Discard()} // the benchmark's figures stay on their line
	tandem := httptest.NewServer(jsonEvents)
	t.Cleanup(tandem.Close)
	sb, err := sandbox.New(sandbox.Config{Events: sandbox.EventsConfig{URL: tandem.URL}, TokenTTL: tokenTTL, Clock: r.clock.now,
		PubSub: sandbox.PubSubConfig{KeepAlive: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	r.sb = sb
	t.Cleanup(sb.Close)
	rest := httptest.NewServer(sb.Handler())
	t.Cleanup(rest.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := sb.NewPubSubServer()
	go g.Serve(ln)
	t.Cleanup(g.Stop)
	r.grpcAddr = ln.Addr().String()
	r.sf, err = salesforce.New(salesforce.Config{LoginURL: rest.URL, ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	r.ingest = &handlers.SalesforceEvents{OrgID: sandbox.DefaultOrgID, Enqueuer: jobs.NewEnqueuer(r.streamDB.Client, 3), Logger: logging.Discard()}
	return r
}

func (r *rig) client(t testing.TB) *pubsub.Client {
	t.Helper()
	c, err := pubsub.Dial(r.grpcAddr, true, r.sf, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// subscriber starts a subscriber process on the rig's topics; stop ends it.
func (r *rig) subscriber(t *testing.T, owner string, lease time.Duration, configure ...func(*pubsub.Subscriber)) (s *pubsub.Subscriber, stop func()) {
	t.Helper()
	s = &pubsub.Subscriber{Client: r.client(t), Redis: r.streamDB.Client, Topics: []string{"/data/AccountChangeEvent", "/data/ContactChangeEvent"},
		Owner: owner, Lease: lease, FromEarliest: true, Backoff: connectors.Backoff{Base: 20 * time.Millisecond, Cap: 200 * time.Millisecond},
		Sink: func(ctx context.Context, _ string, body json.RawMessage) error {
			_, err := r.ingest.Ingest(ctx, body)
			return err
		}}
	for _, c := range configure {
		c(s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return s, stop
}

// taskIDs lists the ids of the jobs stored in db.
func taskIDs(t *testing.T, rdb redis.UniversalClient) []string {
	t.Helper()
	keys, err := rdb.Keys(context.Background(), "asynq:*:t:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(keys))
	for _, k := range keys {
		ids = append(ids, k[strings.LastIndex(k, ":")+1:])
	}
	slices.Sort(ids)
	return ids
}

// changes makes n account and contact changes of every kind.
func changes(t testing.TB, sb *sandbox.Server, n int) {
	t.Helper()
	user := sb.SalesUser()
	for i := range n {
		id, err := sb.Create("Account", map[string]any{"Name": "Pub Sub " + string(rune('A'+i%26)), "BillingCity": "Lyon"}, user)
		if err != nil {
			t.Fatal(err)
		}
		if err := sb.Update("Account", id, map[string]any{"Phone": "+33 1 23 45 67 89", "BillingCity": nil, "BillingStreet": "1 rue X"}, user); err != nil {
			t.Fatal(err)
		}
		if _, err := sb.Create("Contact", map[string]any{"LastName": "Doe", "FirstName": "Jo", "AccountId": id}, user); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPubSubEventsMakeTheSameJobsAsTheJSONEndpoint(t *testing.T) {
	r := newRig(t, 0)
	s, _ := r.subscriber(t, "a", time.Second)
	changes(t, r.sb, 5)
	want := 15 // one job per change event
	testfixtures.WaitUntil(t, "both paths stored every job", 20*time.Second, func() bool {
		return len(taskIDs(t, r.jsonDB.Client)) >= want && len(taskIDs(t, r.streamDB.Client)) >= want
	})
	json, stream := taskIDs(t, r.jsonDB.Client), taskIDs(t, r.streamDB.Client)
	if !slices.Equal(json, stream) {
		t.Fatalf("task ids differ:\nJSON endpoint %v\nPub/Sub       %v", json, stream)
	}
	if len(json) != want {
		t.Fatalf("%d jobs, want %d", len(json), want)
	}
	testfixtures.WaitUntil(t, "the subscriber's replay ids stored", 10*time.Second, func() bool { return s.Stats().Events == int64(want) })
	// Both paths into one queue: the second adds nothing.
	res, err := (&handlers.SalesforceEvents{OrgID: sandbox.DefaultOrgID, Enqueuer: jobs.NewEnqueuer(r.jsonDB.Client, 3)}).
		Ingest(context.Background(), mustJSON(t, r, "/data/AccountChangeEvent"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 0 || res.Duplicates == 0 {
		t.Fatalf("replaying the stream into the JSON path's queue: %+v, want only duplicates", res)
	}
}

// mustJSON replays a topic from EARLIEST and returns its events as the
// subscriber hands them over.
func mustJSON(t *testing.T, r *rig, topic string) json.RawMessage {
	t.Helper()
	var body json.RawMessage
	db := testredis.New(t)
	s := &pubsub.Subscriber{Client: r.client(t), Redis: db.Client, Topics: []string{topic}, FromEarliest: true, Owner: "replay",
		Sink: func(_ context.Context, _ string, events json.RawMessage) error { body = events; return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	testfixtures.WaitUntil(t, "a batch of "+topic, 10*time.Second, func() bool { return s.Stats().Events > 0 })
	cancel()
	<-done
	return body
}
