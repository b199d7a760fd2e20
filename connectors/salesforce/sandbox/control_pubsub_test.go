package sandbox

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub/eventbusv1"
)

// A driver in another process turns the forwarder off and then learns,
// from /stats, each topic's newest replay id and how many streams were
// opened on it: what the chaos suite's quiet check and restart count read.
func TestControlSwitchesTheForwarderOffAndReportsPubSub(t *testing.T) {
	var posts atomic.Int32
	tandem := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { posts.Add(1) }))
	defer tandem.Close()
	s, err := New(Config{Events: EventsConfig{URL: tandem.URL}, PubSub: PubSubConfig{KeepAlive: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctl := httptest.NewServer(s.ControlHandler())
	defer ctl.Close()
	req, _ := http.NewRequest(http.MethodPut, ctl.URL+"/events-url", bytes.NewBufferString(`{"url": ""}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT /events-url: %v %v", resp, err)
	}
	api, ctx := pubsubConn(t, s)
	st, err := api.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&eventbusv1.FetchRequest{TopicName: "/data/AccountChangeEvent", NumRequested: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != nil { // a keepalive: the stream is open
		t.Fatal(err)
	}
	newAccount(t, s, "Streamed only")
	var ev []byte
	for ev == nil {
		r, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(r.GetEvents()); n > 0 {
			ev = r.GetEvents()[n-1].GetReplayId()
		}
	}
	stats := controlStats(t, ctl.URL)
	if e := stats.Events; e.Queued != 0 || posts.Load() != 0 {
		t.Errorf("forwarder off, yet %+v and %d posts", e, posts.Load())
	}
	got := stats.PubSub.Topics["/data/AccountChangeEvent"]
	if got.Latest != binary.BigEndian.Uint64(ev) || got.Streams != 1 {
		t.Errorf("account topic stats %+v, want latest %d and 1 stream", got, binary.BigEndian.Uint64(ev))
	}
}

func controlStats(t *testing.T, base string) ControlStats {
	t.Helper()
	resp, err := http.Get(base + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st ControlStats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}
