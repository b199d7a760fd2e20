package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// avroNamespace is the namespace of Salesforce's event schemas.
const avroNamespace = "com.sforce.eventbus"

// cdcSchema is the Avro schema of one object's change events, as GetSchema
// serves it: field 0 the ChangeEventHeader record, then the object's
// fields in change event order, all nullable, compound fields (an address,
// a person's Name) as nested records at the place of their first
// component.
type cdcSchema struct {
	object string
	id     string // a fingerprint of the JSON, 22 URL-safe base64 characters
	json   string
	avro   avro.Schema
	top    []cdcSlot // the fields after the header; index i+1 in the schema
}

// cdcSlot is one top-level field: a plain field, or a compound with its parts.
type cdcSlot struct {
	name  string
	field *schema.Field   // nil for a compound
	parts []*schema.Field // a compound's components, named by cdcCompound's part
}

// changeEventHeaderAvro is the header record (member order of Salesforce's
// ChangeEventHeader; changeType an enum).
var changeEventHeaderAvro = map[string]any{
	"type": "record", "name": "ChangeEventHeader", "namespace": avroNamespace,
	"fields": []any{
		map[string]any{"name": "entityName", "type": "string"},
		map[string]any{"name": "recordIds", "type": map[string]any{"type": "array", "items": "string"}},
		map[string]any{"name": "changeType", "type": map[string]any{"type": "enum", "name": "ChangeType", "namespace": avroNamespace,
			"symbols": []string{"CREATE", "UPDATE", "DELETE", "UNDELETE", "GAP_CREATE", "GAP_UPDATE", "GAP_DELETE", "GAP_UNDELETE", "GAP_OVERFLOW", "SNAPSHOT"}}},
		map[string]any{"name": "changeOrigin", "type": "string"},
		map[string]any{"name": "transactionKey", "type": "string"},
		map[string]any{"name": "sequenceNumber", "type": "int"},
		map[string]any{"name": "commitTimestamp", "type": "long"},
		map[string]any{"name": "commitNumber", "type": "long"},
		map[string]any{"name": "commitUser", "type": "string"},
		map[string]any{"name": "nulledFields", "type": map[string]any{"type": "array", "items": "string"}},
		map[string]any{"name": "diffFields", "type": map[string]any{"type": "array", "items": "string"}},
		map[string]any{"name": "changedFields", "type": map[string]any{"type": "array", "items": "string"}},
	},
}

// newCDCSchema builds the change event schema of o.
func newCDCSchema(o *schema.Object) (*cdcSchema, error) {
	cs := &cdcSchema{object: o.Name}
	at := map[string]int{}
	for _, f := range cdcFields(o) {
		compound, _ := cdcCompound(o, f)
		if compound == "" {
			cs.top = append(cs.top, cdcSlot{name: f.Name, field: f})
			continue
		}
		i, ok := at[compound]
		if !ok {
			i, at[compound] = len(cs.top), len(cs.top)
			cs.top = append(cs.top, cdcSlot{name: compound})
		}
		cs.top[i].parts = append(cs.top[i].parts, f)
	}
	fields := []any{map[string]any{"name": "ChangeEventHeader", "type": changeEventHeaderAvro, "doc": "Data:ChangeEventHeader"}}
	defined := map[string]bool{}
	for _, slot := range cs.top {
		if slot.field != nil {
			fields = append(fields, avroField(slot.name, slot.field))
			continue
		}
		record := compoundRecord(o, slot.name)
		var t any = avroNamespace + "." + record
		if !defined[record] {
			defined[record] = true
			var parts []any
			for _, p := range slot.parts {
				_, part := cdcCompound(o, p)
				parts = append(parts, avroField(part, p))
			}
			t = map[string]any{"type": "record", "name": record, "namespace": avroNamespace, "fields": parts}
		}
		fields = append(fields, map[string]any{"name": slot.name, "type": []any{"null", t}, "doc": "Data:" + record, "default": nil})
	}
	return cs, cs.define(o.Name+"ChangeEvent", fields)
}

// define sets the schema's JSON, parsed form and id (a fingerprint of the
// JSON, 22 URL-safe base64 characters) from its record name and fields.
func (cs *cdcSchema) define(record string, fields []any) error {
	b, err := json.Marshal(map[string]any{"type": "record", "name": record, "namespace": avroNamespace, "fields": fields})
	if err != nil {
		return fmt.Errorf("sandbox: %s schema: %w", record, err)
	}
	cs.json = string(b)
	if cs.avro, err = avro.Parse(cs.json); err != nil {
		return fmt.Errorf("sandbox: %s schema: %w", record, err)
	}
	sum := sha256.Sum256(b)
	cs.id = base64.RawURLEncoding.EncodeToString(sum[:16])
	return nil
}

// compoundRecord names the nested record type of a compound field.
func compoundRecord(_ *schema.Object, compound string) string {
	if strings.HasSuffix(compound, "Address") {
		return "Address"
	}
	return compound // Name
}

// avroField is a nullable field; its doc names the Salesforce type, which
// tells a reader that a long is a datetime.
func avroField(name string, f *schema.Field) map[string]any {
	t, doc := "string", "Data:"+string(f.Type)
	switch f.Type {
	case schema.Boolean:
		t = "boolean"
	case schema.Int:
		t = "int"
	case schema.Currency, schema.Double, schema.Percent:
		t = "double"
	case schema.DateTime:
		t, doc = "long", "Data:DateTime"
	case schema.Date:
		t, doc = "int", "Data:Date" // days since the epoch
	}
	return map[string]any{"name": name, "type": []any{"null", t}, "doc": doc, "default": nil}
}

// avroValue is a stored value in its Avro form.
func avroValue(f *schema.Field, v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		if f.Type == schema.Date {
			return int(v.UTC().Unix() / 86400)
		}
		return v.UnixMilli()
	case float64:
		if f.Type == schema.Int {
			return int(v)
		}
		return v
	}
	return v
}

// encode is the Avro payload of one change event: every field present,
// those the event does not carry null (UPDATE: the unchanged ones), and
// the header's changedFields and nulledFields as bitmaps over the schema.
// Caller holds s.mu.
func (cs *cdcSchema) encode(s *Server, ev ChangeEvent, seq int, commitNumber uint64) ([]byte, error) {
	row := s.store.rows[ev.RecordID]
	carries := func(f *schema.Field) bool {
		switch ev.ChangeType {
		case "DELETE":
			return false
		case "UPDATE":
			return slices.Contains(ev.ChangedFields, f.Name)
		}
		return row[f.Name] != nil
	}
	var changed, nulled bitmaps
	record := map[string]any{}
	for i, slot := range cs.top {
		if slot.field != nil {
			record[slot.name] = nil
			if carries(slot.field) {
				record[slot.name] = avroValue(slot.field, row[slot.field.Name])
				if ev.ChangeType == "UPDATE" {
					changed.set(-1, i+1)
					if row[slot.field.Name] == nil {
						nulled.set(-1, i+1)
					}
				}
			}
			continue
		}
		var parts map[string]any
		for j, p := range slot.parts {
			if !carries(p) {
				continue
			}
			if parts == nil {
				parts = map[string]any{}
			}
			_, name := cdcCompound(s.schemaOf(cs.object), p)
			parts[name] = avroValue(p, row[p.Name])
			if ev.ChangeType == "UPDATE" {
				changed.set(i+1, j)
				if row[p.Name] == nil {
					nulled.set(i+1, j)
				}
			}
		}
		if parts != nil {
			for _, p := range slot.parts { // a record needs every member
				if _, name := cdcCompound(s.schemaOf(cs.object), p); parts[name] == nil {
					parts[name] = nil
				}
			}
			// A union's record branch goes by its full name.
			record[slot.name] = map[string]any{avroNamespace + "." + compoundRecord(nil, slot.name): parts}
		} else {
			record[slot.name] = nil
		}
	}
	record["ChangeEventHeader"] = map[string]any{
		"entityName": cs.object, "recordIds": []string{ev.RecordID}, "changeType": ev.ChangeType,
		"changeOrigin": originOrUI(ev.ChangeOrigin), "transactionKey": ev.TransactionKey, "sequenceNumber": seq,
		"commitTimestamp": ev.CommitTimestamp.UnixMilli(), "commitNumber": int64(commitNumber), "commitUser": ev.CommitUser,
		"nulledFields": nulled.strings(), "diffFields": []string{}, "changedFields": changed.strings(),
	}
	b, err := avro.Marshal(cs.avro, record)
	if err != nil {
		return nil, fmt.Errorf("sandbox: encoding a %s change event: %w", cs.object, err)
	}
	return b, nil
}

func (s *Server) schemaOf(object string) *schema.Object {
	o, _ := s.schema.Object(object)
	return o
}

// bitmaps are the header's field bitmaps: "0x…" over the top-level
// fields, "P-0x…" over the components of the compound field at index P.
type bitmaps struct {
	order []int            // parents in first-set order; -1 is the top level
	bits  map[int]*big.Int // by parent
}

func (b *bitmaps) set(parent, index int) {
	if b.bits == nil {
		b.bits = map[int]*big.Int{}
	}
	n, ok := b.bits[parent]
	if !ok {
		n = new(big.Int)
		b.bits[parent] = n
		b.order = append(b.order, parent)
	}
	n.SetBit(n, index, 1)
}

// strings spells the bitmaps as Salesforce does: big-endian hex bytes,
// bit 0 the lowest bit of the last byte, the top level first.
func (b *bitmaps) strings() []string {
	out := []string{}
	if n, ok := b.bits[-1]; ok {
		out = append(out, hexBitmap(n))
	} else if len(b.order) > 0 {
		// Nested bitmaps follow a top-level one, even one with no bit set:
		// clients (the npm Pub/Sub client) read P-0x… entries only after it.
		out = append(out, "0x00")
	}
	parents := slices.Clone(b.order)
	slices.Sort(parents)
	for _, p := range parents {
		if p >= 0 {
			out = append(out, fmt.Sprintf("%d-%s", p, hexBitmap(b.bits[p])))
		}
	}
	return out
}

func hexBitmap(n *big.Int) string {
	return fmt.Sprintf("0x%X", n.Bytes())
}

func originOrUI(origin string) string {
	if origin == "" {
		return uiOrigin
	}
	return origin
}
