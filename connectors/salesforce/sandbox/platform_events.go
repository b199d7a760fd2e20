package sandbox

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/hamba/avro/v2"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// Platform events (the shipped Tandem_Sync__e): a REST POST to
// /sobjects/<Name>__e publishes one, answered 201 with the event's id and,
// for a PublishAfterCommit event, OPERATION_ENQUEUED carrying its
// EventUuid; nothing is stored, and the event goes onto the Pub/Sub topic
// /event/<Name>__e with its own Avro schema and a replay id.

// publishedEvent is the answer of one publish.
type publishedEvent struct {
	ID, UUID string
	ReplayID uint64
}

// setUpPlatformEvents builds the Avro schemas of the shipped platform
// events, by topic.
func (s *Server) setUpPlatformEvents() error {
	s.eventTypes = schema.PlatformEvents()
	s.eventSchemas = map[string]*cdcSchema{}
	for _, name := range s.eventTypes.Names() {
		o, _ := s.eventTypes.Object(name)
		es, err := newEventSchema(o)
		if err != nil {
			return err
		}
		s.eventSchemas[platformEventTopic(o.Name)] = es
	}
	return nil
}

func platformEventTopic(name string) string { return "/event/" + name }

// newEventSchema is a platform event's schema as GetSchema serves it:
// record <Name>__e, CreatedDate (long) and CreatedById, then the custom
// fields, nullable. The EventUuid travels as the ProducerEvent's id.
func newEventSchema(o *schema.Object) (*cdcSchema, error) {
	fields := []any{
		map[string]any{"name": "CreatedDate", "type": "long", "doc": "CreatedDate:DateTime"},
		map[string]any{"name": "CreatedById", "type": "string", "doc": "CreatedBy:EntityId"},
	}
	es := &cdcSchema{object: o.Name}
	for _, f := range o.Fields {
		if f.Custom() {
			fields = append(fields, avroField(f.Name, f))
			es.top = append(es.top, cdcSlot{name: f.Name, field: f})
		}
	}
	return es, es.define(o.Name, fields)
}

// handlePublish serves POST /sobjects/<Name>__e.
func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request, o *schema.Object) error {
	body, err := readRecordBody(r, o)
	if err != nil {
		return err
	}
	c := callOf(r)
	ev, err := s.publishEvent(o, body.fields, c.user, c.origin())
	if err != nil {
		return body.positioned(err)
	}
	writeJSON(w, http.StatusCreated, jsonObject{{"id", ev.ID}, {"success", true}, {"errors", []any{
		jsonObject{{"statusCode", "OPERATION_ENQUEUED"}, {"message", ev.UUID}, {"fields", []any{}}},
	}}})
	return nil
}

// platformEvent is the platform event named by the request's {object}, if it is one.
func (s *Server) platformEvent(r *http.Request) (*schema.Object, bool) {
	name := chi.URLParam(r, "object")
	if !strings.HasSuffix(strings.ToLower(name), "__e") {
		return nil, false
	}
	return s.eventTypes.Object(name)
}

// publishEvent checks the fields as a create would and puts the event on
// its topic.
func (s *Server) publishEvent(o *schema.Object, raw map[string]any, as User, origin string) (publishedEvent, error) {
	s.mu.Lock()
	tx := s.begin(as, origin)
	in, apiErr := tx.parseInput(o, raw, true)
	if apiErr == nil {
		apiErr = tx.checkFields(o, in)
	}
	now := s.now()
	s.eventCount++
	n := s.eventCount
	s.mu.Unlock()
	if apiErr != nil {
		return publishedEvent{}, apiErr
	}
	es := s.eventSchemas[platformEventTopic(o.Name)]
	record := map[string]any{"CreatedDate": now.UnixMilli(), "CreatedById": as.ID}
	for _, slot := range es.top {
		record[slot.name] = avroValue(slot.field, in[slot.field.Name])
	}
	payload, err := avro.Marshal(es.avro, record)
	if err != nil {
		return publishedEvent{}, fmt.Errorf("sandbox: encoding a %s event: %w", o.Name, err)
	}
	ev := publishedEvent{ID: sfid.New(o.KeyPrefix, n), UUID: transactionKey()}
	topic := platformEventTopic(o.Name)
	s.bus.push(now.Add(-s.cfg.PubSub.Retention), func(next func() uint64) []topicEvent {
		ev.ReplayID = next()
		return []topicEvent{{topic, busEvent{replayID: ev.ReplayID, at: now, uuid: ev.UUID, schemaID: es.id, payload: payload}}}
	})
	return ev, nil
}
