package sandbox

import (
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub/eventbusv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// pubsubConn serves s's Pub/Sub API over a real listener and returns a
// client with the demo session's headers in ctx.
func pubsubConn(t *testing.T, s *Server) (eventbusv1.PubSubClient, context.Context) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := s.NewPubSubServer()
	go g.Serve(ln)
	t.Cleanup(g.Stop)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	ctx = metadata.AppendToOutgoingContext(ctx, "accesstoken", DefaultDemoToken, "instanceurl", "https://x.my.salesforce.com", "tenantid", DefaultOrgID)
	return eventbusv1.NewPubSubClient(conn), ctx
}

func newAccount(t *testing.T, s *Server, name string) {
	t.Helper()
	if _, err := s.Create("Account", map[string]any{"Name": name}, s.SalesUser()); err != nil {
		t.Fatal(err)
	}
}

func TestPubSubFlowControlAndKeepalive(t *testing.T) {
	s, err := New(Config{PubSub: PubSubConfig{KeepAlive: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	api, ctx := pubsubConn(t, s)
	st, err := api.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Send(&eventbusv1.FetchRequest{TopicName: "/data/AccountChangeEvent", NumRequested: 2}); err != nil {
		t.Fatal(err)
	}
	// Nothing yet: a keepalive with the latest replay id, 8 bytes.
	resp, err := st.Recv()
	if err != nil || len(resp.GetEvents()) != 0 || len(resp.GetLatestReplayId()) != 8 || resp.GetPendingNumRequested() != 2 {
		t.Fatalf("keepalive %v, %v", resp, err)
	}
	for _, n := range []string{"A", "B", "C"} {
		newAccount(t, s, n)
	}
	got := 0
	var last []byte
	for got < 2 {
		resp, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range resp.GetEvents() {
			if len(ev.GetReplayId()) != 8 || (last != nil && binary.BigEndian.Uint64(ev.GetReplayId()) <= binary.BigEndian.Uint64(last)) {
				t.Fatalf("replay id %x after %x", ev.GetReplayId(), last)
			}
			last = ev.GetReplayId()
		}
		got += len(resp.GetEvents())
		if got > 2 || int(resp.GetPendingNumRequested()) != 2-got {
			t.Fatalf("%d events delivered with pending %d, 2 requested", got, resp.GetPendingNumRequested())
		}
	}
	// Owed nothing: only keepalive-free silence until the client asks again.
	if err := st.Send(&eventbusv1.FetchRequest{NumRequested: 1}); err != nil {
		t.Fatal(err)
	}
	for {
		resp, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetEvents()) == 1 {
			break
		}
		if len(resp.GetEvents()) > 1 {
			t.Fatalf("%d events for 1 requested", len(resp.GetEvents()))
		}
	}
	// A later request naming another topic ends the stream.
	if err := st.Send(&eventbusv1.FetchRequest{TopicName: "/data/ContactChangeEvent", NumRequested: 1}); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := st.Recv()
		if err != nil {
			if status.Code(err) != codes.InvalidArgument {
				t.Fatalf("topic switch: %v, want INVALID_ARGUMENT", err)
			}
			break
		}
	}
}

func TestPubSubReplayErrors(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	api, ctx := pubsubConn(t, s)
	future := binary.BigEndian.AppendUint64(nil, uint64(time.Now().Add(time.Hour).UnixMicro()))
	for _, c := range []struct {
		name      string
		req       *eventbusv1.FetchRequest
		code      codes.Code
		errorCode string
	}{
		{"CUSTOM without an id", &eventbusv1.FetchRequest{ReplayPreset: eventbusv1.ReplayPreset_CUSTOM}, codes.InvalidArgument, PubSubReplayIDValidation},
		{"an id never given out", &eventbusv1.FetchRequest{ReplayPreset: eventbusv1.ReplayPreset_CUSTOM, ReplayId: future}, codes.InvalidArgument, PubSubReplayIDCorrupted},
		{"an id of 4 bytes", &eventbusv1.FetchRequest{ReplayPreset: eventbusv1.ReplayPreset_CUSTOM, ReplayId: []byte{1, 2, 3, 4}}, codes.InvalidArgument, PubSubReplayIDCorrupted},
		{"no events requested", &eventbusv1.FetchRequest{}, codes.InvalidArgument, PubSubRequestedInvalid},
		{"an unknown topic", &eventbusv1.FetchRequest{TopicName: "/data/FooChangeEvent"}, codes.NotFound, PubSubTopicNotFound},
	} {
		st, err := api.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.req.TopicName == "" {
			c.req.TopicName = "/data/AccountChangeEvent"
		}
		if c.req.NumRequested == 0 && c.errorCode != PubSubRequestedInvalid {
			c.req.NumRequested = 1
		}
		_ = st.Send(c.req)
		_, err = st.Recv()
		if status.Code(err) != c.code || st.Trailer().Get("error-code")[0] != c.errorCode {
			t.Errorf("%s: %v (error-code %q), want %s with %s", c.name, err, st.Trailer().Get("error-code"), c.code, c.errorCode)
		}
	}
	// A session of another org is refused.
	other := metadata.AppendToOutgoingContext(context.Background(), "accesstoken", DefaultDemoToken, "instanceurl", "https://x.my.salesforce.com", "tenantid", "00D000000000001AAA")
	if _, err := api.GetTopic(other, &eventbusv1.TopicRequest{TopicName: "/data/AccountChangeEvent"}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("other org: %v, want UNAUTHENTICATED", err)
	}
}
