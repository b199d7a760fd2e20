package pubsub_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestPubSubRestartResumesWithoutLossOrDuplicates(t *testing.T) {
	r := newRig(t, 0)
	s1, stop := r.subscriber(t, "first", time.Second)
	changes(t, r.sb, 3)
	testfixtures.WaitUntil(t, "the first process took 9 events", 10*time.Second, func() bool { return s1.Stats().Events == 9 })
	stop()
	changes(t, r.sb, 4) // while no subscriber runs
	s2, _ := r.subscriber(t, "second", time.Second)
	testfixtures.WaitUntil(t, "the second process took the 12 made meanwhile", 10*time.Second, func() bool { return s2.Stats().Events >= 12 })
	testfixtures.WaitUntil(t, "the JSON path stored 21 jobs", 10*time.Second, func() bool { return len(taskIDs(t, r.jsonDB.Client)) == 21 })
	if got := s2.Stats().Events; got != 12 {
		t.Fatalf("second process took %d events, want exactly the 12 after the stored replay id", got)
	}
	if json, stream := taskIDs(t, r.jsonDB.Client), taskIDs(t, r.streamDB.Client); len(stream) != 21 || len(json) != 21 {
		t.Fatalf("%d jobs from the stream, %d from JSON, want 21 each", len(stream), len(json))
	}
}

func TestPubSubExpiredReplayIDResubscribesFromEarliestAndRecordsTheGap(t *testing.T) {
	r := newRig(t, 0)
	s1, stop := r.subscriber(t, "first", time.Second)
	changes(t, r.sb, 1)
	testfixtures.WaitUntil(t, "3 events", 10*time.Second, func() bool { return s1.Stats().Events == 3 })
	stop()
	changes(t, r.sb, 1) // lost: purged before anyone reads them
	r.clock.advance(73 * time.Hour)
	r.sb.PurgePubSubEvents(r.clock.now())
	changes(t, r.sb, 2) // retained
	var expired atomic.Int64
	s2, _ := r.subscriber(t, "second", time.Second, func(s *pubsub.Subscriber) { s.OnReplayExpired = func(string) { expired.Add(1) } })
	testfixtures.WaitUntil(t, "the 6 retained events", 10*time.Second, func() bool { return s2.Stats().Events == 6 })
	if s2.Stats().Expired == 0 || expired.Load() == 0 {
		t.Fatal("no expired replay id counted")
	}
	gaps, err := pubsub.Gaps(context.Background(), r.streamDB.Client)
	if err != nil || len(gaps) == 0 {
		t.Fatalf("gaps %v, %v: want the gap recorded", gaps, err)
	}
	if gaps[0].Topic == "" || gaps[0].AfterReplayID == "" {
		t.Fatalf("gap %+v", gaps[0])
	}
	checkAdminShowsGap(t, r, gaps[0])
}

// checkAdminShowsGap: GET /admin/pubsub lists the gap and where each
// topic resumes.
func checkAdminShowsGap(t *testing.T, r *rig, gap pubsub.Gap) {
	t.Helper()
	topics := []string{"/data/AccountChangeEvent", "/data/ContactChangeEvent"}
	admin := handlers.NewAdmin(handlers.AdminDeps{PubSub: func(ctx context.Context) (pubsub.Status, error) {
		return pubsub.ReadStatus(ctx, r.streamDB.Client, topics)
	}})
	rec := httptest.NewRecorder()
	admin.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, handlers.PathAdminPubSub, nil))
	var st pubsub.Status
	if err := json.Unmarshal(rec.Body.Bytes(), &st); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("GET %s: %d %s", handlers.PathAdminPubSub, rec.Code, rec.Body)
	}
	if len(st.Gaps) == 0 || st.Gaps[0] != gap {
		t.Errorf("admin gaps %+v, want first %+v", st.Gaps, gap)
	}
	if len(st.Topics) != 2 || st.Topics[0].Topic != topics[0] {
		t.Fatalf("admin topics %+v", st.Topics)
	}
	for _, ts := range st.Topics {
		if ts.ReplayID == "" || ts.ReplayID == gap.AfterReplayID && ts.Topic == gap.Topic {
			t.Errorf("topic %+v: want the replay id stored after resubscribing, past the gap %s", ts, gap.AfterReplayID)
		}
	}
}

func TestPubSubOneActiveStreamPerTopicAndTakeover(t *testing.T) {
	r := newRig(t, 0)
	a, stopA := r.subscriber(t, "a", 600*time.Millisecond)
	b, _ := r.subscriber(t, "b", 600*time.Millisecond)
	changes(t, r.sb, 2)
	testfixtures.WaitUntil(t, "6 events taken", 10*time.Second, func() bool { return a.Stats().Events+b.Stats().Events == 6 })
	if a.Stats().Streams > 0 && b.Stats().Streams > 0 {
		// Each may hold one of the two topics, never both the same.
		for _, topic := range []string{"/data/AccountChangeEvent", "/data/ContactChangeEvent"} {
			owner, _ := r.streamDB.Client.Get(context.Background(), "tandem:pubsub:lease:"+topic).Result()
			if owner != "a" && owner != "b" {
				t.Fatalf("lease of %s held by %q", topic, owner)
			}
		}
	}
	stopA()
	changes(t, r.sb, 2)
	testfixtures.WaitUntil(t, "b took over every topic", 10*time.Second, func() bool { return a.Stats().Events+b.Stats().Events == 12 })
	if got := len(taskIDs(t, r.streamDB.Client)); got != 12 {
		t.Fatalf("%d jobs, want 12", got)
	}
}

func TestPubSubExpiredSessionRefreshesTheHeaders(t *testing.T) {
	r := newRig(t, 0)
	s, _ := r.subscriber(t, "a", time.Second)
	changes(t, r.sb, 1)
	testfixtures.WaitUntil(t, "3 events", 10*time.Second, func() bool { return s.Stats().Events == 3 })
	streams := s.Stats().Streams
	r.sb.ExpireSessions()
	changes(t, r.sb, 1)
	testfixtures.WaitUntil(t, "3 more events with a new session", 10*time.Second, func() bool { return s.Stats().Events == 6 })
	if s.Stats().Streams <= streams {
		t.Fatal("the stream was not reopened after the session expired")
	}
}

func TestPubSubBadTopicAndBadAuthAreTheDocumentedErrors(t *testing.T) {
	r := newRig(t, 0)
	c := r.client(t)
	ctx := context.Background()
	if info, err := c.Topic(ctx, "/data/AccountChangeEvent"); err != nil || !info.GetCanSubscribe() || info.GetSchemaId() == "" {
		t.Fatalf("GetTopic: %v, %v", info, err)
	}
	_, err := c.Topic(ctx, "/data/NoSuchChangeEvent")
	if st, _ := status.FromError(err); st.Code() != codes.NotFound || !contains(st.Message(), "not found") || !contains(st.Message(), "rpcId:") {
		t.Fatalf("bad topic: %v", err)
	}
	bad, err := pubsub.Dial(r.grpcAddr, true, fixedSession{token: sandbox.DefaultOrgID[:15] + "!nope"}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	_, err = bad.Topic(ctx, "/data/AccountChangeEvent")
	if st, _ := status.FromError(err); st.Code() != codes.Unauthenticated || !contains(st.Message(), "An authentication exception occurred") {
		t.Fatalf("bad auth: %v", err)
	}
	if !pubsub.IsAuthError(err) {
		t.Fatal("IsAuthError is false for UNAUTHENTICATED")
	}
}

type fixedSession struct{ token string }

func (f fixedSession) Session(context.Context) (string, string, error) {
	return f.token, "https://example.my.salesforce.com", nil
}
func (fixedSession) InvalidateSession(string) {}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// Subscriber processes stopped and started while changes keep coming:
// every event becomes exactly the JSON path's job, none lost.
func TestPubSubRestartsAmidChangesLoseNothing(t *testing.T) {
	r := newRig(t, 0)
	const rounds, perRound = 6, 5 // 3 events per change
	for i := range rounds {
		_, stop := r.subscriber(t, "p"+string(rune('0'+i)), 300*time.Millisecond)
		changes(t, r.sb, perRound)
		if i%2 == 0 {
			stop() // a clean stop mid-stream; odd rounds die with the next start racing them
		} else {
			defer stop()
		}
	}
	_, _ = r.subscriber(t, "last", 300*time.Millisecond)
	want := rounds * perRound * 3
	testfixtures.WaitUntil(t, "every event's job from both paths", 30*time.Second, func() bool {
		return len(taskIDs(t, r.streamDB.Client)) >= want && len(taskIDs(t, r.jsonDB.Client)) >= want
	})
	json, stream := taskIDs(t, r.jsonDB.Client), taskIDs(t, r.streamDB.Client)
	if len(json) != want || !slices.Equal(json, stream) {
		t.Fatalf("%d jobs from the stream, %d from JSON (want %d each, the same ids)", len(stream), len(json), want)
	}
}
