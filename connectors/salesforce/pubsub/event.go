package pubsub

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub/eventbusv1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Error codes of the error-code trailer Tandem acts on.
const (
	errorCodeReplayCorrupted = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted"
	replayValidationFailed   = "The Replay ID validation failed."
)

// IsAuthError reports an UNAUTHENTICATED answer: the session expired or
// was revoked.
func IsAuthError(err error) bool { return status.Code(err) == codes.Unauthenticated }

// isReplayExpired reports the answer to a CUSTOM replay id the server no
// longer has (older than the retention window).
func isReplayExpired(err error, errorCode string) bool {
	st, _ := status.FromError(err)
	return st.Code() == codes.InvalidArgument &&
		(errorCode == errorCodeReplayCorrupted || strings.Contains(st.Message(), replayValidationFailed))
}

// ReplayID reads a replay id: 8 bytes, big-endian, the number CometD
// shows as event.replayId.
func ReplayID(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("pubsub: replay id of %d bytes, want 8", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// Streaming decodes one event and writes it as the Streaming API (CometD)
// delivers it: {"channel","schema","payload","event":{"replayId"}}. A
// change event's payload carries the header with changedFields as names,
// and only the fields the event carries (non-null or nulled), datetimes
// as UTC strings; a platform event carries its non-null fields and
// event.EventUuid.
func Streaming(topic string, schema *avro.RecordSchema, ev *eventbusv1.ConsumerEvent) (json.RawMessage, error) {
	replayID, err := ReplayID(ev.GetReplayId())
	if err != nil {
		return nil, err
	}
	var record map[string]any
	if err := avro.Unmarshal(schema, ev.GetEvent().GetPayload(), &record); err != nil {
		return nil, fmt.Errorf("pubsub: decoding event %d of %s with schema %s: %w", replayID, topic, ev.GetEvent().GetSchemaId(), err)
	}
	payload := map[string]any{}
	identity := map[string]any{"replayId": replayID}
	include := func(string) bool { return true }
	if hdr, ok := record["ChangeEventHeader"].(map[string]any); ok {
		header, nulled, err := changeHeader(schema, hdr)
		if err != nil {
			return nil, fmt.Errorf("pubsub: event %d of %s: %w", replayID, topic, err)
		}
		payload["ChangeEventHeader"] = header
		include = func(name string) bool { return nulled[name] }
	} else {
		identity["EventUuid"] = ev.GetEvent().GetId()
	}
	for _, f := range schema.Fields() {
		name := f.Name()
		if name == "ChangeEventHeader" {
			continue
		}
		v := record[name]
		if rec := recordOf(f.Type()); rec != nil {
			parts := unwrapUnion(v)
			out := map[string]any{}
			for _, p := range rec.Fields() {
				pv := parts[p.Name()]
				if pv != nil || include(name+"."+p.Name()) {
					out[p.Name()] = jsonValue(p, pv)
				}
			}
			if len(out) > 0 {
				payload[name] = out
			}
			continue
		}
		if v != nil || include(name) {
			payload[name] = jsonValue(f, v)
		}
	}
	return json.Marshal(map[string]any{"channel": topic, "schema": ev.GetEvent().GetSchemaId(), "payload": payload, "event": identity})
}

// changeHeader is the header as CometD has it, with the names of the
// nulled fields.
func changeHeader(schema *avro.RecordSchema, hdr map[string]any) (map[string]any, map[string]bool, error) {
	changed, err := FieldNames(schema, stringList(hdr["changedFields"]))
	if err != nil {
		return nil, nil, fmt.Errorf("changedFields: %w", err)
	}
	nulledNames, err := FieldNames(schema, stringList(hdr["nulledFields"]))
	if err != nil {
		return nil, nil, fmt.Errorf("nulledFields: %w", err)
	}
	nulled := map[string]bool{}
	for _, n := range nulledNames {
		nulled[n] = true
	}
	if changed == nil {
		changed = []string{}
	}
	out := map[string]any{"changedFields": changed}
	for _, k := range []string{"entityName", "recordIds", "changeType", "changeOrigin", "transactionKey",
		"sequenceNumber", "commitTimestamp", "commitNumber", "commitUser"} {
		out[k] = hdr[k]
	}
	return out, nulled, nil
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s, ok := s.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// unwrapUnion opens a union's record branch, which decodes as {name: value}.
func unwrapUnion(v any) map[string]any {
	m, _ := v.(map[string]any)
	if len(m) == 1 {
		for _, inner := range m {
			if r, ok := inner.(map[string]any); ok {
				return r
			}
		}
	}
	return m
}

// jsonValue is a value as CometD carries it: datetimes (a long the schema
// documents as DateTime, or CreatedDate-like) as UTC strings, dates
// (days) as yyyy-mm-dd.
func jsonValue(f *avro.Field, v any) any {
	doc := f.Doc()
	switch n := v.(type) {
	case int64:
		if strings.HasSuffix(doc, "DateTime") || (doc == "" && strings.HasSuffix(f.Name(), "Date")) {
			return time.UnixMilli(n).UTC().Format("2006-01-02T15:04:05.000Z")
		}
	case int:
		if strings.HasSuffix(doc, ":Date") {
			return time.Unix(int64(n)*86400, 0).UTC().Format(time.DateOnly)
		}
	}
	return v
}

// errLeaseLost ends a stream whose topic another process now holds.
var errLeaseLost = errors.New("pubsub: the topic's lease passed to another process")
