package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// input is a write's field values: canonical field name → stored form.
type input map[string]any

// parseInput checks a write's raw fields (decoded JSON or Go values)
// against the object: unknown fields, fields that cannot be written, value
// types, and parent references by external id ("Account": {"NetSuite_Id__c": "42"}).
func (tx *txn) parseInput(o *schema.Object, raw map[string]any, creating bool) (input, *APIError) {
	in := input{}
	var notWritable []string
	for _, key := range slices.Sorted(maps.Keys(raw)) {
		v := raw[key]
		if key == "attributes" {
			continue
		}
		f, ok := o.Field(key)
		if !ok {
			ref, isRel := o.Parent(key)
			if !isRel {
				return nil, errNoSuchColumn(key, o.Name)
			}
			id, err := tx.resolveExternalRef(ref, v)
			if err != nil {
				return nil, err
			}
			f, v = ref, id
		}
		if !tx.s.fls.canRead(tx.user.ID, o, f) {
			return nil, errNoSuchColumn(key, o.Name)
		}
		if (creating && !f.Createable) || (!creating && !f.Updateable) || !tx.s.fls.canEdit(tx.user.ID, o, f) {
			notWritable = append(notWritable, f.Name)
			continue
		}
		stored, err := coerce(f, v)
		if err != nil {
			err.field = key
			return nil, err
		}
		in[f.Name] = stored
	}
	if len(notWritable) > 0 {
		return nil, errNotWritable(notWritable)
	}
	return in, nil
}

// insert creates a record and returns its id.
func (tx *txn) insert(o *schema.Object, in input) (string, *APIError) {
	if err := notOnOrganization(o, "insert"); err != nil {
		return "", err
	}
	row := map[string]any{}
	for _, f := range o.Fields {
		row[f.Name] = f.Default
	}
	for name, v := range in {
		row[name] = v
	}
	if _, given := in["OwnerId"]; !given {
		if _, has := o.Field("OwnerId"); has {
			row["OwnerId"] = tx.user.ID
		}
	}
	row["Id"] = tx.st.newID(o)
	row["IsDeleted"] = false
	row["CreatedDate"], row["CreatedById"] = tx.now, tx.user.ID
	if err := tx.validateAndSave(o, row, nil, in); err != nil {
		return "", err
	}
	return row["Id"].(string), nil
}

// update changes fields of a live record.
func (tx *txn) update(o *schema.Object, id string, in input) *APIError {
	prev, err := tx.liveRecord(o, id)
	if err != nil {
		return err
	}
	row := copyRow(prev)
	for name, v := range in {
		row[name] = v
	}
	return tx.validateAndSave(o, row, prev, in)
}

// touch re-saves a record whose derived fields changed (a parent's roll-up).
func (tx *txn) touch(o *schema.Object, row map[string]any) {
	row["LastModifiedDate"], row["SystemModstamp"], row["LastModifiedById"] = tx.now, tx.now, tx.user.ID
	tx.save(o.Name, row)
}

func (tx *txn) liveRecord(o *schema.Object, id string) (map[string]any, *APIError) {
	norm, ok := sfid.Normalize(id)
	if !ok || sfid.Prefix(norm) != o.KeyPrefix {
		return nil, errNotFound()
	}
	row, ok := tx.st.rows[norm]
	switch {
	case !ok:
		return nil, errNotFound()
	case row["IsDeleted"] == true:
		return nil, apiErr(404, "ENTITY_IS_DELETED", "entity is deleted")
	}
	return row, nil
}

func (tx *txn) validateAndSave(o *schema.Object, row, prev map[string]any, in input) *APIError {
	if err := tx.checkFields(o, row); err != nil {
		return err
	}
	if prev != nil {
		for _, a := range tx.s.cfg.Automation {
			if a.Object == o.Name && (a.WhenChanged == "" || fmt.Sprint(row[a.WhenChanged]) != fmt.Sprint(prev[a.WhenChanged])) {
				maps.Copy(row, a.Set)
			}
		}
	}
	if rule := rules[o.Name]; rule.before != nil {
		if err := rule.before(tx, row, prev, in); err != nil {
			return err
		}
	}
	if err := tx.checkUnique(o, row); err != nil {
		return err
	}
	row["LastModifiedDate"], row["SystemModstamp"], row["LastModifiedById"] = tx.now, tx.now, tx.user.ID
	tx.save(o.Name, row)
	if rule := rules[o.Name]; rule.after != nil {
		return rule.after(tx, row, prev)
	}
	return nil
}

// checkFields applies the field-level rules: references (those a client
// writes; system lookups like CreatedById are the sandbox's own), required
// fields, restricted picklists and text lengths.
func (tx *txn) checkFields(o *schema.Object, row map[string]any) *APIError {
	var missing []string
	for _, f := range o.Fields {
		v := row[f.Name]
		if f.Required && (v == nil || v == "") {
			missing = append(missing, f.Name)
			continue
		}
		s, isText := v.(string)
		if v == nil || !isText {
			continue
		}
		if err := tx.checkText(f, s); err != nil {
			return err
		}
		if f.Type == schema.Reference && (f.Createable || f.Updateable) {
			id, err := tx.checkReference(f, s)
			if err != nil {
				return err
			}
			row[f.Name] = id
		}
	}
	if len(missing) > 0 {
		return errRequiredMissing(missing)
	}
	return nil
}

func (tx *txn) checkText(f *schema.Field, s string) *APIError {
	if f.Type == schema.Picklist && f.Restricted && !slices.Contains(f.Picklist, s) {
		if f.Name == "CurrencyIsoCode" {
			return dmlErr("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: invalid currency code: %s", f.Label, s), f.Name)
		}
		return dmlErr("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: bad value for restricted picklist field: %s", f.Label, s), f.Name)
	}
	if f.Length > 0 && f.Type != schema.Reference && utf8.RuneCountInString(s) > f.Length {
		return dmlErr("STRING_TOO_LONG", fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.Label, s, f.Length), f.Name)
	}
	return nil
}

// checkReference normalizes a lookup value to the 18-character id of a
// live record of an object the field may point to.
func (tx *txn) checkReference(f *schema.Field, value string) (string, *APIError) {
	id, ok := sfid.Normalize(value)
	if !ok {
		return "", errMalformedID(f.Label, f.Name, value)
	}
	target, ok := tx.st.objectOf(id)
	if !ok || !slices.Contains(f.ReferenceTo, target.Name) {
		return "", errMalformedID(f.Label, f.Name, value)
	}
	row, ok := tx.st.rows[id]
	switch {
	case !ok:
		return "", dmlErr("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
	case row["IsDeleted"] == true:
		return "", errEntityDeleted()
	}
	return id, nil
}

// checkUnique enforces unique external ids.
func (tx *txn) checkUnique(o *schema.Object, row map[string]any) *APIError {
	for _, f := range o.Fields {
		if !f.Unique || row[f.Name] == nil {
			continue
		}
		for _, other := range tx.st.find(o.Name, f, row[f.Name]) {
			if other["Id"] != row["Id"] {
				return dmlErr("DUPLICATE_VALUE", fmt.Sprintf("duplicate value found: %s duplicates value on record with id: %s", f.Name, other["Id"]), f.Name)
			}
		}
	}
	return nil
}

// delete moves a record and its cascade-delete children to the recycle bin.
func (tx *txn) delete(o *schema.Object, id string) *APIError {
	if err := notOnOrganization(o, "delete"); err != nil {
		return err
	}
	prev, err := tx.liveRecord(o, id)
	if err != nil {
		return err
	}
	for _, rel := range o.Children {
		if !rel.CascadeDelete {
			continue
		}
		child, _ := tx.st.schema.Object(rel.Object)
		for _, c := range tx.st.children(rel, prev["Id"].(string)) {
			if err := tx.delete(child, c["Id"].(string)); err != nil {
				return err
			}
		}
	}
	row := copyRow(prev)
	row["IsDeleted"] = true
	tx.touch(o, row)
	if rule := rules[o.Name]; rule.after != nil {
		return rule.after(tx, row, prev)
	}
	return nil
}

// notOnOrganization refuses inserting or deleting the org's Organization
// record, which only Setup changes.
func notOnOrganization(o *schema.Object, op string) *APIError {
	if o.Name != "Organization" {
		return nil
	}
	return apiErr(http.StatusBadRequest, "INVALID_TYPE_FOR_OPERATION", "entity type Organization does not support %s", op)
}
