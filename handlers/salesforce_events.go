package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/jobs"
)

// How /webhooks/salesforce/events authenticates (TANDEM_SF_EVENTS_AUTH).
const (
	EventsAuthBearer = "bearer" // Authorization: Bearer <Token>, e.g. from a Named Credential
	EventsAuthHMAC   = "hmac"   // X-Tandem-Signature with Secret, as /webhooks/netsuite
)

// SalesforceEvents receives Change Data Capture events and platform
// events posted by a forwarder in the org (POST
// /webhooks/salesforce/events, api/salesforce-events.md).
type SalesforceEvents struct {
	Auth   string // EventsAuthBearer (also when empty) or EventsAuthHMAC
	Token  string // bearer token; empty refuses every request in bearer mode
	Secret string // HMAC secret; empty refuses every request in hmac mode
	// OrgID scopes the jobs' dedup ids and fills Change.OrgID (change
	// events do not name their org).
	OrgID string
	// IntegrationUserID is Tandem's user (005…, 15 or 18 characters):
	// change events it committed are Tandem's own and dropped.
	IntegrationUserID string
	// ForwardOwnChanges sends Tandem's own changes to the flows anyway: a
	// trigger or flow can change a field inside Tandem's write, committed
	// as the integration user, and dropping the event would lose it. The
	// flows' echo check (the pair's agreed hashes) writes nothing for
	// Tandem's own values.
	ForwardOwnChanges bool
	// Route is the task type for an object; events about an object no
	// flow handles are acknowledged and ignored. Nil: jobs.SalesforceEventTaskType.
	Route    func(object string) (taskType string, ok bool)
	Enqueuer ChangeEnqueuer
	Logger   *slog.Logger     // nil: slog.Default()
	Now      func() time.Time // nil: time.Now; checks the signature window

	counters eventCounters
}

// EventStats counts records (one per record id of a change event, one
// per platform event) since start, for requests that were acknowledged.
type EventStats struct {
	Accepted   int64 // jobs stored
	Duplicates int64 // jobs already stored (a re-sent event)
	DroppedOwn int64 // Tandem's own changes, dropped at the door
	Ignored    int64 // no flow handles them, or nothing to sync record by record
}

type eventCounters struct {
	accepted, duplicates, droppedOwn, ignored atomic.Int64
}

// Stats returns the counts so far.
func (h *SalesforceEvents) Stats() EventStats {
	return EventStats{
		Accepted:   h.counters.accepted.Load(),
		Duplicates: h.counters.duplicates.Load(),
		DroppedOwn: h.counters.droppedOwn.Load(),
		Ignored:    h.counters.ignored.Load(),
	}
}

// SalesforceEventsResult is the 200 answer, counted as EventStats are.
type SalesforceEventsResult struct {
	Accepted   int   `json:"accepted"`
	Duplicates int   `json:"duplicates"`
	Dropped    int   `json:"dropped"` // Tandem's own changes
	Ignored    int   `json:"ignored"`
	Notes      notes `json:"notes,omitempty"` // why events were ignored
}

const salesforceEventsSource = "salesforce events"

// ServeHTTP authenticates, validates every event, enqueues one job per
// record and acknowledges only once every job is stored.
func (h *SalesforceEvents) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, log, now := r.Context(), webhookLogger(h.Logger), webhookNow(h.Now)
	body, status, err := h.authenticatedBody(w, r, now)
	if err != nil {
		refuseWebhook(ctx, w, log, salesforceEventsSource, status, err)
		return
	}
	events, err := ParseSalesforceEvents(body)
	if err != nil {
		refuseWebhook(ctx, w, log, salesforceEventsSource, http.StatusBadRequest, err)
		return
	}
	p := h.plan(ctx, log, events, now)
	dups, err := h.Enqueuer.EnqueueAll(ctx, p.jobs)
	if err != nil {
		log.ErrorContext(ctx, "salesforce events not stored; the forwarder must retry", "events", len(events), "error", err)
		writeWebhookJSON(w, http.StatusServiceUnavailable, webhookErrorBody{Error: queueUnavailable})
		return
	}
	p.result.Accepted, p.result.Duplicates = len(p.jobs)-dups, dups
	h.count(p.result)
	log.InfoContext(ctx, "salesforce events accepted", "events", len(events), "accepted", p.result.Accepted,
		"duplicates", dups, "dropped", p.result.Dropped, "ignored", p.result.Ignored)
	writeWebhookJSON(w, http.StatusOK, p.result)
}

// authenticatedBody checks the credential and reads the body: a bearer
// token before reading, a signature after.
func (h *SalesforceEvents) authenticatedBody(w http.ResponseWriter, r *http.Request, now time.Time) ([]byte, int, error) {
	switch h.Auth {
	case "", EventsAuthBearer:
		if err := checkBearer(r.Header.Get("Authorization"), h.Token); err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tandem"`)
			return nil, http.StatusUnauthorized, err
		}
		return readBody(w, r)
	case EventsAuthHMAC:
		body, status, err := readBody(w, r)
		if err != nil {
			return nil, status, err
		}
		if err := VerifySignature(r.Header.Get(SignatureHeader), h.Secret, body, now); err != nil {
			return nil, http.StatusUnauthorized, err
		}
		return body, 0, nil
	}
	return nil, http.StatusInternalServerError, fmt.Errorf("TANDEM_SF_EVENTS_AUTH %q is neither %s nor %s", h.Auth, EventsAuthBearer, EventsAuthHMAC)
}

// checkBearer compares hashes in constant time, so neither the token nor
// its length leaks through timing.
func checkBearer(authorization, token string) error {
	if token == "" {
		return errors.New("no events token is configured (TANDEM_SF_EVENTS_TOKEN)")
	}
	scheme, got, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || got == "" {
		return errors.New("missing Authorization: Bearer <token>")
	}
	gotSum, wantSum := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(gotSum[:], wantSum[:]) != 1 {
		return errors.New("wrong bearer token")
	}
	return nil
}

// eventsPlan is what a request turns into: jobs to store and the rest counted.
type eventsPlan struct {
	jobs   []jobs.Incoming
	result SalesforceEventsResult
}

// plan decides, per record, between a job, a drop (Tandem's own change)
// and ignoring it.
func (h *SalesforceEvents) plan(ctx context.Context, log *slog.Logger, events []SalesforceEvent, now time.Time) eventsPlan {
	var p eventsPlan
	for i := range events {
		ev := &events[i]
		switch {
		case ev.Header != nil:
			h.planChangeEvent(ctx, log, &p, ev)
		case ev.Sync != nil:
			h.planSyncRequest(&p, ev)
		default:
			p.result.Ignored++
			p.result.Notes.add(fmt.Sprintf("platform event %s is not one Tandem handles: ignored", ev.Channel))
		}
	}
	for i := range p.jobs {
		p.jobs[i].Change.OrgID = h.OrgID
		p.jobs[i].Change.ReceivedAt = now
		p.jobs[i].Change.CorrelationID = logging.Correlation(ctx)
	}
	return p
}

func (h *SalesforceEvents) planChangeEvent(ctx context.Context, log *slog.Logger, p *eventsPlan, ev *SalesforceEvent) {
	hdr := ev.Header
	records := max(1, len(hdr.RecordIDs))
	if !h.ForwardOwnChanges && h.ownChange(hdr) {
		p.result.Dropped += records
		return
	}
	taskType, ok := h.route(hdr.EntityName)
	if !ok {
		p.result.Ignored += records
		p.result.Notes.add(fmt.Sprintf("no Tandem flow handles change events for %s: ignored", hdr.EntityName))
		return
	}
	if hdr.ChangeType == changeTypeOverflow {
		p.result.Ignored++
		p.result.Notes.add(fmt.Sprintf("GAP_OVERFLOW for %s names no records: run a sync of %s", hdr.EntityName, hdr.EntityName))
		log.WarnContext(ctx, "salesforce overflow event: changes past CDC's per-transaction limit carry no record ids; run a sync",
			"object", hdr.EntityName, "replay_id", ev.ReplayID)
		return
	}
	template := ev.changeEventChange()
	for _, id := range hdr.RecordIDs {
		if isSalesforceWildcard(id) {
			p.result.Ignored++
			p.result.Notes.add(fmt.Sprintf("record id %s stands for every %s record (a field type conversion): run a sync", id, hdr.EntityName))
			continue
		}
		ch := template
		ch.RecordID = id
		p.jobs = append(p.jobs, jobs.Incoming{Type: taskType, ID: h.taskID(taskType, id, ev.ReplayID), Change: ch})
	}
}

func (h *SalesforceEvents) planSyncRequest(p *eventsPlan, ev *SalesforceEvent) {
	taskType, ok := h.route(ev.Sync.Object)
	if !ok {
		p.result.Ignored++
		p.result.Notes.add(fmt.Sprintf("no Tandem flow handles %s records: %s ignored", ev.Sync.Object, TandemSyncEvent))
		return
	}
	ch := ev.syncRequestChange()
	p.jobs = append(p.jobs, jobs.Incoming{Type: taskType, ID: h.taskID(taskType, ch.RecordID, ch.EventID), Change: ch})
}

// ownChange: the change came from Tandem's writes, by the client id Tandem
// sends in Sforce-Call-Options or, for endpoints that ignore Call
// Options, by its user.
func (h *SalesforceEvents) ownChange(hdr *ChangeEventHeader) bool {
	return originHasClient(hdr.ChangeOrigin, connectors.CallOptionsClient) ||
		(h.IntegrationUserID != "" && sameSalesforceID(hdr.CommitUser, h.IntegrationUserID))
}

// originHasClient reports whether changeOrigin, e.g.
// "com/salesforce/api/rest/62.0;client=tandem", names exactly client:
// client=tandem-test is someone else.
func originHasClient(origin, client string) bool {
	for part := range strings.SplitSeq(origin, ";") {
		if id, ok := strings.CutPrefix(strings.TrimSpace(part), "client="); ok && id == client {
			return true
		}
	}
	return false
}

// taskID scopes by the org's 15-character id, so both spellings dedup
// together.
func (h *SalesforceEvents) taskID(taskType, recordID, version string) string {
	scope := h.OrgID
	if len(scope) > 15 {
		scope = scope[:15]
	}
	return jobs.EventTaskID(taskType, "sf", scope, recordID, version)
}

func (h *SalesforceEvents) route(object string) (string, bool) {
	if h.Route != nil {
		return h.Route(object)
	}
	return jobs.SalesforceEventTaskType(object)
}

func (h *SalesforceEvents) count(r SalesforceEventsResult) {
	h.counters.accepted.Add(int64(r.Accepted))
	h.counters.duplicates.Add(int64(r.Duplicates))
	h.counters.droppedOwn.Add(int64(r.Dropped))
	h.counters.ignored.Add(int64(r.Ignored))
}

// Ingest stores the jobs of a body of events that came another way than
// this endpoint (the Pub/Sub API subscriber hands its events over in the
// Streaming API's JSON), exactly as a POST would: same checks, same task
// ids, so events arriving both ways dedup. Nil error: every job is stored.
func (h *SalesforceEvents) Ingest(ctx context.Context, body []byte) (SalesforceEventsResult, error) {
	log, now := webhookLogger(h.Logger), webhookNow(h.Now)
	events, err := ParseSalesforceEvents(body)
	if err != nil {
		return SalesforceEventsResult{}, err
	}
	p := h.plan(ctx, log, events, now)
	dups, err := h.Enqueuer.EnqueueAll(ctx, p.jobs)
	if err != nil {
		return SalesforceEventsResult{}, fmt.Errorf("storing the jobs of %d salesforce events: %w", len(events), err)
	}
	p.result.Accepted, p.result.Duplicates = len(p.jobs)-dups, dups
	h.count(p.result)
	return p.result, nil
}
