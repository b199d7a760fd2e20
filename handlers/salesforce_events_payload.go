package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/jobs"
)

// MaxEventsPerRequest is the most events one POST to
// /webhooks/salesforce/events may carry.
const MaxEventsPerRequest = 100

// Channels and event names Tandem reads.
const (
	platformEventChannelPrefix = "/event/"
	changeEventChannelPrefix   = "/data/"
	// TandemSyncEvent is the platform event that asks Tandem to sync one record.
	TandemSyncEvent = "Tandem_Sync__e"
	// changeTypeOverflow: more than 100,000 changes in one transaction;
	// the event names the object but no record.
	changeTypeOverflow = "GAP_OVERFLOW"
)

// SalesforceEvent is one change event (CDC) or platform event, as the
// Streaming API delivers it, checked against api/salesforce-events.md.
type SalesforceEvent struct {
	Channel   string             // "/event/Tandem_Sync__e"; often empty for change events
	ReplayID  string             // event.replayId
	EventUUID string             // event.EventUuid (platform events, API 52.0 and later)
	Header    *ChangeEventHeader // set for a change event
	Sync      *TandemSync        // set for a Tandem_Sync__e platform event
	// Values is the payload without ChangeEventHeader: the changed fields
	// of a change event, the fields of a platform event. Numbers are
	// json.Number.
	Values map[string]any
	// LastModified is a change event's LastModifiedDate, else its
	// commitTimestamp.
	LastModified time.Time
}

// ChangeEventHeader is payload.ChangeEventHeader of a change event.
type ChangeEventHeader struct {
	EntityName      string   `json:"entityName" validate:"required,sf_name"`
	RecordIDs       []string `json:"recordIds" validate:"dive,sf_record_id"` // empty only for GAP_OVERFLOW
	ChangeType      string   `json:"changeType" validate:"required,oneof=CREATE UPDATE DELETE UNDELETE GAP_CREATE GAP_UPDATE GAP_DELETE GAP_UNDELETE GAP_OVERFLOW"`
	ChangeOrigin    string   `json:"changeOrigin" validate:"max=255"`
	CommitTimestamp int64    `json:"commitTimestamp" validate:"required,gt=0"` // epoch milliseconds
	CommitUser      string   `json:"commitUser" validate:"omitempty,sf_id"`
	ChangedFields   []string `json:"changedFields" validate:"dive,sf_field_path"` // UPDATE only; compound components as BillingAddress.City
}

// TandemSync is the payload of a Tandem_Sync__e platform event.
type TandemSync struct {
	Object      string `json:"Object__c" validate:"required,sf_name"`
	RecordID    string `json:"Record_Id__c" validate:"required,sf_id"`
	ChangeType  string `json:"Change_Type__c" validate:"omitempty,oneof=create update delete undelete"` // any case; empty means update
	CreatedByID string `json:"CreatedById" validate:"omitempty,sf_id"`
}

// streamingEvent is the wire form of one event: {schema, payload, event}
// with channel beside them, or the Bayeux message {channel, data: {…}}.
type streamingEvent struct {
	Channel string          `json:"channel"`
	Payload json.RawMessage `json:"payload"`
	Event   eventIdentity   `json:"event"`
	Data    json.RawMessage `json:"data"`
	// BareHeader is set when a payload was posted without its envelope
	// (Pub/Sub API and Kafka Connect forwarders do that).
	BareHeader json.RawMessage `json:"ChangeEventHeader"`
}

type eventIdentity struct {
	ReplayID  json.Number `json:"replayId" validate:"omitempty,number,max=19"`
	EventUUID string      `json:"EventUuid" validate:"omitempty,max=64,printascii"`
}

// ParseSalesforceEvents decodes and checks a body holding one event or
// an array of 1 to MaxEventsPerRequest events. A body that fails
// validation gives an error listing every failing field by its JSON path
// ("[3].payload.ChangeEventHeader.recordIds[0]").
func ParseSalesforceEvents(body []byte) ([]SalesforceEvent, error) {
	raws, indexed, err := splitEvents(body)
	if err != nil {
		return nil, err
	}
	events := make([]SalesforceEvent, len(raws))
	bad := &invalidBodyError{}
	for i, raw := range raws {
		path := ""
		if indexed {
			path = fmt.Sprintf("[%d]", i)
		}
		if err := parseStreamingEvent(&events[i], raw, path, bad); err != nil {
			return nil, err
		}
	}
	if err := bad.errOrNil(); err != nil {
		return nil, err
	}
	return events, nil
}

// splitEvents returns the events of a body; indexed is true for an array.
func splitEvents(body []byte) (raws []json.RawMessage, indexed bool, err error) {
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		return []json.RawMessage{trimmed}, false, nil
	case len(trimmed) == 0 || trimmed[0] != '[':
		return nil, false, errors.New("body must be one event (a JSON object) or a JSON array of events")
	}
	if err := decodeWebhookJSON(trimmed, &raws, ""); err != nil {
		return nil, false, err
	}
	if len(raws) == 0 || len(raws) > MaxEventsPerRequest {
		return nil, false, fmt.Errorf("body holds %d events; send 1 to %d per request", len(raws), MaxEventsPerRequest)
	}
	return raws, true, nil
}

// parseStreamingEvent fills ev from one event, adding validation problems
// to bad; it returns an error only for JSON that cannot be read at all.
func parseStreamingEvent(ev *SalesforceEvent, raw []byte, path string, bad *invalidBodyError) error {
	var se streamingEvent
	if err := decodeWebhookJSON(raw, &se, path); err != nil {
		return err
	}
	if !isJSONNull(se.Data) { // the Bayeux message: the event is in data, the channel beside it
		var inner streamingEvent
		path = joinJSONPath(path, "data")
		if err := decodeWebhookJSON(se.Data, &inner, path); err != nil {
			return err
		}
		if se.Channel != "" {
			inner.Channel = se.Channel
		}
		se = inner
	}
	if isJSONNull(se.Payload) {
		problem := "is required: post the event as the Streaming API delivers it, {schema, payload, event}"
		if !isJSONNull(se.BareHeader) {
			problem += " (this is a bare payload, with ChangeEventHeader at the top level)"
		}
		bad.add(joinJSONPath(path, "payload"), problem)
		return nil
	}
	ev.Channel, ev.ReplayID, ev.EventUUID = se.Channel, se.Event.ReplayID.String(), se.Event.EventUUID
	validateWebhookStruct(bad, joinJSONPath(path, "event"), &se.Event)
	payloadPath := joinJSONPath(path, "payload")
	if err := decodeWebhookJSON(se.Payload, &ev.Values, payloadPath); err != nil {
		return err
	}
	if _, ok := ev.Values["ChangeEventHeader"]; ok {
		delete(ev.Values, "ChangeEventHeader")
		return parseChangeEvent(ev, se.Payload, path, bad)
	}
	return parsePlatformEvent(ev, se.Payload, path, bad)
}

func parseChangeEvent(ev *SalesforceEvent, payload []byte, path string, bad *invalidBodyError) error {
	var p struct {
		Header ChangeEventHeader `json:"ChangeEventHeader"`
	}
	payloadPath := joinJSONPath(path, "payload")
	if err := decodeWebhookJSON(payload, &p, payloadPath); err != nil {
		return err
	}
	ev.Header = &p.Header
	headerPath := joinJSONPath(payloadPath, "ChangeEventHeader")
	validateWebhookStruct(bad, headerPath, ev.Header)
	if len(p.Header.RecordIDs) == 0 && p.Header.ChangeType != changeTypeOverflow {
		bad.add(joinJSONPath(headerPath, "recordIds"), "must list at least one record id")
	}
	if ev.ReplayID == "" {
		bad.add(joinJSONPath(path, "event.replayId"), "is required for a change event (it is the dedup id)")
	}
	ev.LastModified = time.UnixMilli(p.Header.CommitTimestamp).UTC()
	if v := ev.Values["LastModifiedDate"]; v != nil {
		t, isTime := parseEventTime(v)
		if !isTime {
			bad.add(joinJSONPath(payloadPath, "LastModifiedDate"), "must be an ISO-8601 (RFC 3339) time like 2026-11-27T10:00:00.000Z")
			return nil
		}
		ev.LastModified = t
	}
	return nil
}

func parsePlatformEvent(ev *SalesforceEvent, payload []byte, path string, bad *invalidBodyError) error {
	name, isEvent := strings.CutPrefix(ev.Channel, platformEventChannelPrefix)
	switch {
	case ev.Channel == "":
		bad.add(joinJSONPath(path, "channel"), "is required for a platform event (an event without payload.ChangeEventHeader), e.g. /event/"+TandemSyncEvent)
		return nil
	case strings.HasPrefix(ev.Channel, changeEventChannelPrefix):
		bad.add(joinJSONPath(path, "payload.ChangeEventHeader"), "is required for a change event (channel "+ev.Channel+")")
		return nil
	case !isEvent || !isAPIName(name):
		bad.add(joinJSONPath(path, "channel"), "must be /event/<EventName> for a platform event")
		return nil
	}
	if ev.ReplayID == "" && ev.EventUUID == "" {
		bad.add(joinJSONPath(path, "event.EventUuid"), "is required, or event.replayId (the dedup id)")
	}
	if name != TandemSyncEvent {
		return nil
	}
	ev.Sync = &TandemSync{}
	if err := decodeWebhookJSON(payload, ev.Sync, joinJSONPath(path, "payload")); err != nil {
		return err
	}
	ev.Sync.ChangeType = strings.ToLower(ev.Sync.ChangeType)
	validateWebhookStruct(bad, joinJSONPath(path, "payload"), ev.Sync)
	return nil
}

// parseEventTime reads a CometD date-time string.
func parseEventTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err == nil
}

func isJSONNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// cdcChangeTypes normalises changeType; gap events become updates that
// must re-read the record.
var cdcChangeTypes = map[string]string{
	"CREATE":   jobs.ChangeCreate,
	"UPDATE":   jobs.ChangeUpdate,
	"DELETE":   jobs.ChangeDelete,
	"UNDELETE": jobs.ChangeUndelete,
}

// changeEventChange is the job payload of a change event, without its
// record id and the fields the handler fills in.
func (ev *SalesforceEvent) changeEventChange() jobs.Change {
	hdr := ev.Header
	ch := jobs.Change{
		Source:        jobs.SourceSalesforceCDC,
		Object:        hdr.EntityName,
		EventID:       ev.ReplayID,
		ChangeType:    cdcChangeTypes[hdr.ChangeType],
		ChangedFields: hdr.ChangedFields,
		LastModified:  ev.LastModified,
		Origin:        hdr.ChangeOrigin,
		CommitUser:    hdr.CommitUser,
		Values:        ev.Values,
	}
	switch {
	case strings.HasPrefix(hdr.ChangeType, "GAP_"):
		ch.ChangeType, ch.ChangedFields = jobs.ChangeUpdate, nil
		ch.Values = map[string]any{ValueSourceChangeType: hdr.ChangeType, ValueReread: true}
	case len(ch.ChangedFields) == 0 && (ch.ChangeType == jobs.ChangeCreate || ch.ChangeType == jobs.ChangeUndelete):
		ch.ChangedFields = fieldNames(ev.Values)
	}
	return ch
}

// fieldNames lists the fields a create carries, compound fields by
// component (BillingAddress.City) as changedFields names them on update.
func fieldNames(values map[string]any) []string {
	var names []string
	for name, v := range values {
		switch v := v.(type) {
		case nil:
		case map[string]any:
			for component, cv := range v {
				if cv != nil {
					names = append(names, name+"."+component)
				}
			}
		default:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// syncRequestChange is the job payload of a Tandem_Sync__e event, without
// the fields the handler fills in.
func (ev *SalesforceEvent) syncRequestChange() jobs.Change {
	changeType := ev.Sync.ChangeType
	if changeType == "" {
		changeType = jobs.ChangeUpdate
	}
	eventID := ev.EventUUID
	if eventID == "" {
		eventID = ev.ReplayID
	}
	return jobs.Change{
		Source:     jobs.SourceSalesforceEvent,
		Object:     ev.Sync.Object,
		RecordID:   ev.Sync.RecordID,
		EventID:    eventID,
		ChangeType: changeType,
		CommitUser: ev.Sync.CreatedByID,
		Values:     ev.Values,
	}
}
