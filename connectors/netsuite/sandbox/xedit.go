package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// PutFields edits some body fields of a record as an inline edit in the
// NetSuite UI does (a list's or a record's inline editing): the user event
// is xedit, and the webhook reports only those fields. fields is a
// request body of body fields, e.g. {"email": "ap@acme.example"}; fields
// NetSuite computes may be set, as with Put.
func (s *Server) PutFields(recordType, id string, fields map[string]any) error {
	rt, ok := lookupType(recordType)
	if !ok {
		return fmt.Errorf("netsuite sandbox: inline edit: unknown record type %q", recordType)
	}
	edited, err := inlineFields(rt, fields)
	if err != nil {
		return fmt.Errorf("netsuite sandbox: inline edit of %s %s: %w", rt.name, id, err)
	}
	body, err := asRequestJSON(fields)
	if err != nil {
		return fmt.Errorf("netsuite sandbox: inline edit of %s %s: %w", rt.name, id, err)
	}
	src := uiSource
	src.inline = edited
	if _, aerr := s.updateRecord(rt, id, body, writeOptions{asUser: true}, src); aerr != nil {
		return fmt.Errorf("netsuite sandbox: inline edit of %s %s: %w", rt.name, id, aerr)
	}
	return nil
}

// inlineFields checks that fields are body fields (inline editing reaches
// no sublist or address) and returns their SuiteScript ids.
func inlineFields(rt *recordType, fields map[string]any) ([]string, error) {
	if len(fields) == 0 {
		return nil, fmt.Errorf("no field to edit")
	}
	var ids []string
	for name := range fields {
		f, ok := rt.fields.lookup(name)
		switch {
		case !ok && isCustomField(name):
			ids = append(ids, strings.ToLower(name))
		case !ok:
			return nil, fmt.Errorf("no field %q", name)
		case f.kind == kindSublist || f.kind == kindSubrecord || strings.EqualFold(name, "id"):
			return nil, fmt.Errorf("field %q cannot be edited inline", name)
		default:
			ids = append(ids, scriptID(rt, f.name))
		}
	}
	slices.Sort(ids)
	return ids, nil
}
