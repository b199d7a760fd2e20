package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/jobs"
)

// NetSuiteWebhook receives the signed change events of the shipped
// SuiteScript (POST /webhooks/netsuite, api/netsuite-webhook.md).
type NetSuiteWebhook struct {
	// Secret is TANDEM_NS_WEBHOOK_SECRET. Empty refuses every request.
	Secret string
	// AccountID, if set, is the only account accepted (any spelling:
	// 1234567_SB1, 1234567-sb1); others get 403.
	AccountID string
	// Route is the task types for a record type, one per flow that reads
	// it; a type no flow handles is acknowledged and ignored, since
	// refusing makes the SuiteScript retry for a day. Nil:
	// jobs.NetSuiteTaskTypes.
	Route    func(recordType string) (taskTypes []string)
	Enqueuer ChangeEnqueuer
	Logger   *slog.Logger     // nil: slog.Default()
	Now      func() time.Time // nil: time.Now; checks the signature window
}

// NetSuiteWebhookResult is the 200 answer. Accepted counts jobs stored by
// this request, Duplicates jobs already stored (a replay or a retry),
// Ignored events no flow handles. One event makes a job per flow that
// reads its record type.
type NetSuiteWebhookResult struct {
	Accepted   int   `json:"accepted"`
	Duplicates int   `json:"duplicates"`
	Ignored    int   `json:"ignored"`
	Notes      notes `json:"notes,omitempty"`
}

const netSuiteSource = "netsuite webhook"

// ServeHTTP verifies the signature on the raw body, validates it,
// enqueues the change and acknowledges only once it is stored.
// eventVersion names this change for dedup: the SuiteScript's eventId plus
// a hash of the raw body. The eventId is built from the record's
// last-modified time, which NetSuite keeps to the second, so two edits of
// one record within a second share it; their bodies (the changed fields)
// differ. A re-sent request carries the same body and stays a duplicate.
func eventVersion(eventID string, body []byte) string {
	sum := sha256.Sum256(body)
	return eventID + ":" + hex.EncodeToString(sum[:6])
}

func (h *NetSuiteWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, log, now := r.Context(), webhookLogger(h.Logger), webhookNow(h.Now)
	body, status, err := readBody(w, r)
	if err != nil {
		refuseWebhook(ctx, w, log, netSuiteSource, status, err)
		return
	}
	if err := VerifySignature(r.Header.Get(SignatureHeader), h.Secret, body, now); err != nil {
		refuseWebhook(ctx, w, log, netSuiteSource, http.StatusUnauthorized, err)
		return
	}
	ev, err := ParseNetSuiteEvent(body)
	if err != nil {
		refuseWebhook(ctx, w, log, netSuiteSource, http.StatusBadRequest, err)
		return
	}
	if h.AccountID != "" && ev.AccountID != canonicalNetSuiteAccount(h.AccountID) {
		refuseWebhook(ctx, w, log, netSuiteSource, http.StatusForbidden,
			fmt.Errorf("account %s is not the account Tandem syncs (TANDEM_NS_ACCOUNT_ID)", ev.AccountID))
		return
	}
	var result NetSuiteWebhookResult
	taskTypes := h.route(ev.RecordType)
	if len(taskTypes) == 0 {
		result.Ignored = 1
		result.Notes.add(fmt.Sprintf("no Tandem flow handles NetSuite record type %q: event ignored", ev.RecordType))
		log.InfoContext(ctx, "netsuite webhook ignored", "record_type", ev.RecordType, "record_id", ev.RecordID)
		writeWebhookJSON(w, http.StatusOK, result)
		return
	}
	ch := ev.change(now, logging.Correlation(ctx))
	version := eventVersion(ch.EventID, body)
	batch := make([]jobs.Incoming, len(taskTypes))
	for i, taskType := range taskTypes {
		batch[i] = jobs.Incoming{Type: taskType, ID: jobs.EventTaskID(taskType, "ns", ch.OrgID, ch.RecordID, version), Change: ch}
	}
	dups, err := h.Enqueuer.EnqueueAll(ctx, batch)
	if err != nil {
		log.ErrorContext(ctx, "netsuite webhook not stored; the SuiteScript will retry", "event_id", ev.EventID, "error", err)
		writeWebhookJSON(w, http.StatusServiceUnavailable, webhookErrorBody{Error: queueUnavailable})
		return
	}
	result.Accepted, result.Duplicates = len(batch)-dups, dups
	log.InfoContext(ctx, "netsuite webhook accepted", "account_id", ch.OrgID, "record_type", ch.Object,
		"record_id", ch.RecordID, "event_type", ev.EventType, "jobs", len(batch), "duplicates", dups)
	writeWebhookJSON(w, http.StatusOK, result)
}

func (h *NetSuiteWebhook) route(recordType string) []string {
	if h.Route != nil {
		return h.Route(recordType)
	}
	return jobs.NetSuiteTaskTypes(recordType)
}
