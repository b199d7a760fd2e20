package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors/internal/delivery"
)

// posted is one webhook request as Tandem receives it.
type posted struct {
	header http.Header
	raw    string
	event  webhookEvent
	status int
}

// webhookEvent is the contract's body, decoded.
type webhookEvent struct {
	EventID          string         `json:"eventId"`
	AccountID        string         `json:"accountId"`
	RecordType       string         `json:"recordType"`
	RecordID         string         `json:"recordId"`
	EventType        string         `json:"eventType"`
	LastModifiedDate string         `json:"lastModifiedDate"`
	ExecutionContext string         `json:"executionContext"`
	UserID           string         `json:"userId"`
	RoleID           string         `json:"roleId"`
	Fields           map[string]any `json:"fields"`
}

// hookReceiver stands for Tandem's /webhooks/netsuite; status picks the
// answer to the n-th request (0-based).
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	seen   int
	posts  []posted
	status func(n int) int
}

func newHookReceiver(t *testing.T, status func(n int) int) *hookReceiver {
	rc := &hookReceiver{status: status}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var ev webhookEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Errorf("webhook body is not JSON: %v\n%s", err, raw)
		}
		rc.mu.Lock()
		n := rc.seen
		rc.seen++
		rc.mu.Unlock()
		code := rc.status(n)
		rc.mu.Lock()
		rc.posts = append(rc.posts, posted{header: r.Header.Clone(), raw: string(raw), event: ev, status: code})
		rc.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func acceptAll(int) int { return http.StatusOK }

func (rc *hookReceiver) all() []posted {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]posted(nil), rc.posts...)
}

// accepted lists the webhooks the receiver took, in order.
func (rc *hookReceiver) accepted() []posted {
	var out []posted
	for _, p := range rc.all() {
		if p.status < 300 {
			out = append(out, p)
		}
	}
	return out
}

// fastWebhooks posts to url with quick re-sends.
func fastWebhooks(url string) WebhookConfig {
	return WebhookConfig{URL: url, RetryBase: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond}
}

func waitWebhooks(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.WaitWebhooksIdle(ctx); err != nil {
		t.Fatalf("webhooks still pending: %v (%+v)", err, s.WebhookStats())
	}
}

// validSignature checks an X-Tandem-Signature the way Tandem does.
func validSignature(header, secret, body string) bool {
	t, _, ok := strings.Cut(strings.TrimPrefix(header, "t="), ",v1=")
	unix, err := strconv.ParseInt(t, 10, 64)
	return ok && err == nil && header == delivery.Signature(secret, unix, []byte(body))
}
