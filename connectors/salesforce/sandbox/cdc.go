package sandbox

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// uiOrigin is the changeOrigin of an edit in Lightning Experience, which
// the Go API's changes stand for (docs "Get Compound Fields in Change
// Events"; the captured events in shared/fixtures/salesforce/cdc).
const uiOrigin = "com/salesforce/api/soap/" + soapAPIVersion + ";client=SfdcInternalAPI/"

// Compound fields: change events nest their components (BillingAddress.City).
var (
	addressPrefixes = []string{"Billing", "Shipping", "Mailing", "Other"}
	addressParts    = []string{"Street", "City", "State", "PostalCode", "Country"}
	personNameParts = []string{"Salutation", "FirstName", "MiddleName", "LastName"}
)

// cdcMessage is one change event as a CometD subscriber receives it
// (docs "Change Event Body Fields", JSON/CometD): CREATE and UNDELETE carry
// every field with a value, UPDATE the changed fields and LastModifiedDate,
// DELETE none. seq is the change's place in its transaction. Caller holds s.mu.
func (s *Server) cdcMessage(ev ChangeEvent, seq int, commitNumber, replayID uint64) jsonObject {
	o, _ := s.schema.Object(ev.Object)
	origin := cmp.Or(ev.ChangeOrigin, uiOrigin)
	changed := []string{}
	if ev.ChangeType == "UPDATE" {
		changed = cdcChangedFields(o, ev.ChangedFields)
	}
	header := jsonObject{
		{"entityName", o.Name}, {"recordIds", []string{ev.RecordID}}, {"changeType", ev.ChangeType},
		{"changeOrigin", origin}, {"transactionKey", ev.TransactionKey}, {"sequenceNumber", seq},
		{"commitTimestamp", ev.CommitTimestamp.UnixMilli()}, {"commitUser", ev.CommitUser},
		{"commitNumber", commitNumber}, {"changedFields", changed},
	}
	payload := jsonObject{{"ChangeEventHeader", header}}
	row := s.store.rows[ev.RecordID]
	switch ev.ChangeType {
	case "DELETE": // the header only
	case "UPDATE":
		payload = appendCDCFields(payload, o, row, func(f *schema.Field) bool { return slices.Contains(ev.ChangedFields, f.Name) })
	default:
		payload = appendCDCFields(payload, o, row, func(f *schema.Field) bool { return row[f.Name] != nil })
	}
	return jsonObject{{"schema", schemaID(o)}, {"payload", payload}, {"event", jsonObject{{"replayId", replayID}}}}
}

// appendCDCFields adds the fields include selects, in change event order,
// components nested under their compound field.
func appendCDCFields(out jsonObject, o *schema.Object, row map[string]any, include func(*schema.Field) bool) jsonObject {
	compounds := map[string]int{} // compound field → its index in out
	for _, f := range cdcFields(o) {
		if !include(f) {
			continue
		}
		v := cdcValue(f, row[f.Name])
		compound, part := cdcCompound(o, f)
		if compound == "" {
			out = append(out, jsonField{f.Name, v})
			continue
		}
		i, ok := compounds[compound]
		if !ok {
			i, compounds[compound] = len(out), len(out)
			out = append(out, jsonField{compound, jsonObject{}})
		}
		out[i].Value = append(out[i].Value.(jsonObject), jsonField{part, v})
	}
	return out
}

// cdcChangedFields names changed fields as the header does: Phone,
// BillingAddress.City, Name.LastName.
func cdcChangedFields(o *schema.Object, changed []string) []string {
	out := []string{}
	for _, f := range cdcFields(o) {
		if !slices.Contains(changed, f.Name) {
			continue
		}
		if compound, part := cdcCompound(o, f); compound != "" {
			out = append(out, compound+"."+part)
		} else {
			out = append(out, f.Name)
		}
	}
	return out
}

// cdcFields are the fields a change event can carry, in the order
// Salesforce describes them: standard fields, the audit fields, then
// custom fields. The id is in recordIds; IsDeleted and SystemModstamp are
// not in change events, nor a person's full Name (its parts are).
func cdcFields(o *schema.Object) []*schema.Field {
	var out []*schema.Field
	for _, f := range o.Fields {
		switch {
		case f.Name == "Id", f.Name == "IsDeleted", f.Name == "SystemModstamp":
		case f.Name == "Name" && isPersonObject(o):
		default:
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b *schema.Field) int { return cmp.Compare(describeGroup(a), describeGroup(b)) })
	return out
}

func describeGroup(f *schema.Field) int {
	switch {
	case f.Custom():
		return 2
	case slices.Contains([]string{"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById"}, f.Name):
		return 1
	}
	return 0
}

func isPersonObject(o *schema.Object) bool {
	_, first := o.Field("FirstName")
	_, last := o.Field("LastName")
	return first && last
}

// cdcCompound is the compound field f belongs to and its component name
// there ("BillingAddress", "City"), or "" for a plain field.
func cdcCompound(o *schema.Object, f *schema.Field) (compound, part string) {
	for _, prefix := range addressPrefixes {
		if p, ok := strings.CutPrefix(f.Name, prefix); ok && slices.Contains(addressParts, p) {
			return prefix + "Address", p
		}
	}
	if isPersonObject(o) && slices.Contains(personNameParts, f.Name) {
		return "Name", f.Name
	}
	return "", ""
}

// cdcValue is a stored value as a change event carries it: datetimes in
// UTC with milliseconds, numbers as Salesforce prints them.
func cdcValue(f *schema.Field, v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.UTC().Format(soapTimeLayout)
	case float64:
		return restValue(f, v)
	}
	return v
}

// schemaID stands for the id of the object's change event schema: 22
// URL-safe base64 characters that change when the fields do.
func schemaID(o *schema.Object) string {
	h := sha256.New()
	h.Write([]byte(o.Name))
	for _, f := range o.Fields {
		h.Write([]byte{0})
		h.Write([]byte(f.Name))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}
