package handlers

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/jobs"
)

// NetSuiteEvent is the body the shipped SuiteScript posts
// (api/netsuite-webhook.md).
type NetSuiteEvent struct {
	EventID          string `json:"eventId" validate:"required,max=256,printascii"`
	AccountID        string `json:"accountId" validate:"required,max=32,ns_account"`
	RecordType       string `json:"recordType" validate:"required,ns_record_type"`
	RecordID         string `json:"recordId" validate:"required,max=20,number"`
	EventType        string `json:"eventType" validate:"required,oneof=create edit xedit delete"`
	LastModifiedDate string `json:"lastModifiedDate" validate:"required,datetime=2006-01-02T15:04:05Z07:00"`
	ExecutionContext string `json:"executionContext" validate:"required,max=64,printascii"`
	UserID           string `json:"userId" validate:"max=64,printascii"`
	RoleID           string `json:"roleId" validate:"max=64,printascii"`
	// Fields is the script's hint of changed fields by field id (numbers
	// as json.Number); Tandem re-reads the record either way.
	Fields map[string]any `json:"fields"`
}

// ParseNetSuiteEvent decodes and validates a webhook body; a body that
// fails validation gives an error listing every failing field. It spells
// recordType in lower case (SuiteScript's spelling) and accountId in upper
// case with underscores (runtime.accountId's), so every sender's spelling
// routes and dedups the same.
func ParseNetSuiteEvent(body []byte) (*NetSuiteEvent, error) {
	var ev NetSuiteEvent
	if err := decodeWebhookJSON(body, &ev, ""); err != nil {
		return nil, err
	}
	bad := &invalidBodyError{}
	validateWebhookStruct(bad, "", &ev)
	if err := bad.errOrNil(); err != nil {
		return nil, err
	}
	ev.RecordType = strings.ToLower(ev.RecordType)
	ev.AccountID = canonicalNetSuiteAccount(ev.AccountID)
	return &ev, nil
}

// netSuiteChangeTypes normalises the SuiteScript's eventType.
var netSuiteChangeTypes = map[string]string{
	"create": jobs.ChangeCreate,
	"edit":   jobs.ChangeUpdate,
	"xedit":  jobs.ChangeUpdate, // kept as Values[ValueSourceChangeType]
	"delete": jobs.ChangeDelete,
}

// change is the event as a job payload.
func (ev *NetSuiteEvent) change(receivedAt time.Time, correlationID string) jobs.Change {
	lastModified, _ := time.Parse(time.RFC3339, ev.LastModifiedDate) // validated
	values := ev.Fields
	if ev.EventType == "xedit" {
		values = maps.Clone(values)
		if values == nil {
			values = map[string]any{}
		}
		values[ValueSourceChangeType] = ev.EventType
	}
	return jobs.Change{
		Source:        jobs.SourceNetSuiteWebhook,
		OrgID:         ev.AccountID,
		Object:        ev.RecordType,
		RecordID:      ev.RecordID,
		EventID:       ev.EventID,
		ChangeType:    netSuiteChangeTypes[ev.EventType],
		ChangedFields: slices.Sorted(maps.Keys(ev.Fields)),
		LastModified:  lastModified.UTC(),
		Origin:        ev.ExecutionContext,
		CommitUser:    ev.UserID,
		Values:        values,
		ReceivedAt:    receivedAt,
		CorrelationID: correlationID,
	}
}

// canonicalNetSuiteAccount spells an account id as runtime.accountId does:
// 1234567-sb1 and 1234567_SB1 are the same account.
func canonicalNetSuiteAccount(id string) string {
	return strings.ToUpper(strings.ReplaceAll(id, "-", "_"))
}
