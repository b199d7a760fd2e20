package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// cdcEvent is a forwarded change event, decoded.
type cdcEvent struct {
	Schema  string         `json:"schema"`
	Payload map[string]any `json:"payload"`
	Event   struct {
		ReplayID uint64 `json:"replayId"`
	} `json:"event"`
}

// header is the event's ChangeEventHeader.
func (e cdcEvent) header() map[string]any {
	h, _ := e.Payload["ChangeEventHeader"].(map[string]any)
	return h
}

// fields is the payload without its header.
func (e cdcEvent) fields() map[string]any {
	out := map[string]any{}
	for k, v := range e.Payload {
		if k != "ChangeEventHeader" {
			out[k] = v
		}
	}
	return out
}

// eventsRequest is one request of the forwarder, as Tandem receives it.
type eventsRequest struct {
	header http.Header
	raw    []byte
	events []cdcEvent
	status int
}

// eventsReceiver stands for Tandem's events endpoint; status picks the
// answer to the n-th request (0-based).
type eventsReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	seen     int
	requests []eventsRequest
	status   func(n int) int
}

func newEventsReceiver(t *testing.T, status func(n int) int) *eventsReceiver {
	rc := &eventsReceiver{status: status}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var events []cdcEvent
		if err := json.Unmarshal(raw, &events); err != nil {
			t.Errorf("forwarded body is not a JSON array of events: %v\n%s", err, raw)
		}
		rc.mu.Lock()
		n := rc.seen
		rc.seen++
		rc.mu.Unlock()
		code := rc.status(n)
		rc.mu.Lock()
		rc.requests = append(rc.requests, eventsRequest{header: r.Header.Clone(), raw: raw, events: events, status: code})
		rc.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func accept(int) int { return http.StatusOK }

func (rc *eventsReceiver) all() []eventsRequest {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]eventsRequest(nil), rc.requests...)
}

// accepted lists the events of the requests the receiver took, in order.
func (rc *eventsReceiver) accepted() []cdcEvent {
	var out []cdcEvent
	for _, r := range rc.all() {
		if r.status < 300 {
			out = append(out, r.events...)
		}
	}
	return out
}

// fastEvents forwards to url with quick re-sends.
func fastEvents(url string) EventsConfig {
	return EventsConfig{URL: url, RetryBase: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond}
}

// readJSONFixture decodes shared/fixtures/salesforce/<name>.
func readJSONFixture(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixturesDir(t), "salesforce", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func waitEvents(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.WaitEventsIdle(ctx); err != nil {
		t.Fatalf("change events still pending: %v (%+v)", err, s.EventsStats())
	}
}
