package sandbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// External-id references: a write may set a lookup through its
// relationship name and a parent's external id instead of the parent's
// Id, {"Account__r": {"NetSuite_Id__c": "107"}} or, on a polymorphic
// lookup, {"What": {"attributes": {"type": "Account"}, "NetSuite_Id__c":
// "107"}}. Every write path resolves them (create, update, the single
// record upsert, sObject Collections), inside the write: no query first.
//
// Errors, all 400 and on the record that carries the reference:
//   - no parent matches: INVALID_FIELD "Foreign key external ID: 107 not
//     found for field NetSuite_Id__c in entity Account" (Salesforce's text,
//     as quoted in Tandem's issue 12 and by public client code);
//   - more than one field in the reference: INVALID_FIELD "More than 1
//     field provided in an external foreign key reference in entity:
//     <Object>" (an Apex DML error quoted on salesforce.stackexchange.com,
//     question 251266);
//   - the field is not an external id of the parent, or the reference is
//     not an object: INVALID_FIELD (wording unconfirmed);
//   - several parents match (a non-unique external id): INVALID_FIELD
//     "... matched more than one record ..." (wording unconfirmed; the
//     SOAP StatusCode list's DUPLICATE_EXTERNAL_ID is documented for the
//     upsert key, not for references).

// resolveExternalRef finds the parent ref's reference value names.
func (tx *txn) resolveExternalRef(ref *schema.Field, v any) (string, *APIError) {
	spec, ok := v.(map[string]any)
	if !ok {
		return "", dmlErr("INVALID_FIELD", fmt.Sprintf("Invalid foreign key relationship name %s", ref.RelationshipName))
	}
	parentName := ref.ReferenceTo[0]
	keys := map[string]any{}
	for k, value := range spec {
		if k != "attributes" {
			keys[k] = value
			continue
		}
		attrs, _ := value.(map[string]any)
		typ, _ := attrs["type"].(string)
		if i := slices.IndexFunc(ref.ReferenceTo, func(n string) bool { return strings.EqualFold(n, typ) }); i >= 0 {
			parentName = ref.ReferenceTo[i]
		} else {
			return "", dmlErr("INVALID_FIELD", fmt.Sprintf("Invalid type %s for foreign key relationship %s", typ, ref.RelationshipName))
		}
	}
	parent, _ := tx.st.schema.Object(parentName)
	switch {
	case len(keys) > 1:
		return "", dmlErr("INVALID_FIELD", fmt.Sprintf("More than 1 field provided in an external foreign key reference in entity: %s", parent.Name))
	case len(keys) == 0:
		return "", dmlErr("INVALID_FIELD", fmt.Sprintf("Invalid foreign key relationship name %s", ref.RelationshipName))
	}
	for key, value := range keys {
		f, ok := parent.Field(key)
		if !ok || !f.ExternalID {
			return "", dmlErr("INVALID_FIELD", fmt.Sprintf("Field %s is not an External ID or Unique field on %s", key, parent.Name))
		}
		stored, err := coerce(f, value)
		if err != nil {
			return "", err
		}
		matches := tx.st.find(parent.Name, f, stored)
		switch len(matches) {
		case 0:
			return "", dmlErr("INVALID_FIELD", fmt.Sprintf("Foreign key external ID: %v not found for field %s in entity %s", value, f.Name, parent.Name))
		case 1:
			return matches[0]["Id"].(string), nil
		}
		return "", dmlErr("INVALID_FIELD", fmt.Sprintf("Foreign key external ID: %v matched more than one record for field %s in entity %s", value, f.Name, parent.Name))
	}
	return "", nil
}
