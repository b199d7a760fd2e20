package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/jobs"
)

// MaxBodyBytes caps every webhook body; bigger requests get 413 without
// being read whole.
const MaxBodyBytes = 1 << 20

// ChangeEnqueuer stores a webhook's changes as jobs, all in one go, and
// counts those already accepted (their ids were taken). *jobs.Enqueuer
// implements it.
type ChangeEnqueuer interface {
	EnqueueAll(ctx context.Context, js []jobs.Incoming) (dups int, err error)
}

// SalesforceOutbound receives Salesforce Outbound Messages.
type SalesforceOutbound struct {
	OrgIDs   []string // allowed organization ids, 15 or 18 characters
	Token    string   // if set, required as ?token= (Outbound Messages carry no signature)
	Enqueuer ChangeEnqueuer
	Logger   *slog.Logger
	Now      func() time.Time
}

// ServeHTTP authenticates, parses, enqueues one job per notification and
// acknowledges only once every job is stored.
func (h *SalesforceOutbound) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if h.Token != "" && subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("token")), []byte(h.Token)) != 1 {
		h.refuse(ctx, w, http.StatusUnauthorized, "missing or wrong token in the endpoint URL")
		return
	}
	body, status, err := readBody(w, r)
	if err != nil {
		h.refuse(ctx, w, status, err.Error())
		return
	}
	msg, err := ParseOutboundMessage(body)
	if err != nil {
		h.refuse(ctx, w, http.StatusBadRequest, err.Error())
		return
	}
	if !h.orgAllowed(msg.OrganizationID) {
		h.refuse(ctx, w, http.StatusForbidden, fmt.Sprintf("organization %s is not allowed to post here (TANDEM_SF_ORG_IDS)", msg.OrganizationID))
		return
	}
	jobsToStore := h.changes(ctx, msg, body)
	dups, err := h.Enqueuer.EnqueueAll(ctx, jobsToStore)
	if err != nil {
		h.Logger.ErrorContext(ctx, "outbound message not stored; Salesforce will re-send", "org_id", msg.OrganizationID, "error", err)
		writeSOAPFault(w, http.StatusServiceUnavailable, "Tandem cannot store jobs right now (queue unavailable); please retry")
		return
	}
	h.Logger.InfoContext(ctx, "outbound message accepted", "org_id", msg.OrganizationID, "action_id", msg.ActionID,
		"notifications", len(jobsToStore), "duplicates", dups)
	writeAck(w)
}

// changes turns every notification into a job. One that cannot be used
// costs the others nothing: it becomes a TypeUnusable job carrying its
// reason (archived, on record), and the message is still acknowledged,
// as Salesforce would otherwise re-send all of it for 24 hours.
func (h *SalesforceOutbound) changes(ctx context.Context, msg *OutboundMessage, body []byte) []jobs.Incoming {
	now := h.now()
	out := make([]jobs.Incoming, 0, len(msg.Notifications))
	for i, n := range msg.Notifications {
		ch := jobs.Change{
			Source:        jobs.SourceSalesforceOutbound,
			OrgID:         msg.OrganizationID,
			Object:        n.SObject.Type,
			RecordID:      n.SObject.ID,
			EventID:       n.ID,
			Fields:        n.SObject.Fields,
			ReceivedAt:    now,
			CorrelationID: logging.Correlation(ctx),
		}
		problem := n.Problem
		taskType, routed := jobs.OutboundTaskType(n.SObject.Type)
		switch {
		case problem != "" && n.SObject.Type != "" && len(n.SObject.Fields) == 0:
			// Salesforce sends no data for a record deleted before delivery:
			// not even its id, so there is nothing to apply a deletion to.
			h.Logger.InfoContext(ctx, "outbound notification carries no data (record deleted before delivery); acknowledged",
				"org_id", msg.OrganizationID, "notification_id", n.ID, "object", n.SObject.Type)
			continue
		case problem == "" && !routed:
			problem = fmt.Sprintf("no Tandem flow handles Outbound Messages for %s (notification %s)", n.SObject.Type, n.ID)
		case problem == "" && onlyID(n.SObject):
			// Only the Id: the record was deleted before delivery. The flow
			// finds it gone and applies its deletion policy.
			ch.ChangeType = jobs.ChangeDelete
		}
		if problem != "" {
			h.Logger.WarnContext(ctx, "outbound notification unusable; recorded as an archived job", "org_id", msg.OrganizationID,
				"notification_id", n.ID, "object", n.SObject.Type, "reason", problem)
			ch.Problem = problem
			out = append(out, jobs.Incoming{Type: jobs.TypeUnusable, ID: unusableID(msg, n, i, body), Change: ch})
			continue
		}
		out = append(out, jobs.Incoming{Type: taskType, ID: jobs.OutboundTaskID(taskType, msg.OrganizationID, n.ID), Change: ch})
	}
	return out
}

// onlyID reports a notification that carries the record's Id and nothing
// else: Salesforce's notification of a record deleted before delivery
// (every shipped rule also selects LastModifiedDate and SystemModstamp).
func onlyID(o SObject) bool {
	return len(o.Fields) == 1 && o.Fields["Id"] != nil
}

// unusableID dedups re-sends of an unusable notification: by its id, or,
// without one, by the message's bytes and its place in them.
func unusableID(msg *OutboundMessage, n Notification, i int, body []byte) string {
	if n.ID != "" {
		return jobs.OutboundTaskID(jobs.TypeUnusable, msg.OrganizationID, n.ID)
	}
	sum := sha256.Sum256(body)
	return jobs.OutboundTaskID(jobs.TypeUnusable, msg.OrganizationID, fmt.Sprintf("body-%x-%d", sum[:8], i+1))
}

// orgAllowed compares the first 15 characters, case-sensitively: the
// 18-character form only adds a case-checksum suffix.
func (h *SalesforceOutbound) orgAllowed(id string) bool {
	for _, allowed := range h.OrgIDs {
		if len(id) >= 15 && len(allowed) >= 15 && id[:15] == allowed[:15] {
			return true
		}
	}
	return false
}

func (h *SalesforceOutbound) refuse(ctx context.Context, w http.ResponseWriter, status int, msg string) {
	h.Logger.WarnContext(ctx, "outbound message refused", "status", status, "reason", msg)
	writeSOAPFault(w, status, msg)
}

func (h *SalesforceOutbound) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now().UTC()
}

// readBody reads at most MaxBodyBytes. It refuses a declared oversize
// length before reading anything.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body of %d bytes is over the %d-byte limit", r.ContentLength, MaxBodyBytes)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body is over the %d-byte limit", MaxBodyBytes)
	}
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("reading body: %w", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, http.StatusBadRequest, errors.New("empty body")
	}
	return body, 0, nil
}
