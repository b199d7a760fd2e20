package jobs

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/mapping"
)

// ReadList gathers the fields a flow reads from a Salesforce object: its
// own and those its mappings read, deduplicated ignoring case (SOQL field
// names are case-insensitive; a repeated field is MALFORMED_QUERY).
type ReadList struct {
	fields   []string
	seen     map[string]bool
	children map[string]*ReadList
}

// NewReadList starts a read list with the flow's own fields.
func NewReadList(fields ...string) *ReadList {
	r := &ReadList{seen: map[string]bool{}, children: map[string]*ReadList{}}
	r.Add("", fields...)
	return r
}

// Add adds fields, each behind prefix ("Account." for a parent's fields).
func (r *ReadList) Add(prefix string, fields ...string) {
	for _, f := range fields {
		f = prefix + f
		if k := strings.ToLower(f); !r.seen[k] {
			r.seen[k] = true
			r.fields = append(r.fields, f)
		}
	}
}

// AddReads adds what a mapping reads; prefix puts a parent's mapping
// under its relationship.
func (r *ReadList) AddReads(prefix string, reads *mapping.Reads) {
	if reads == nil {
		return
	}
	r.Add(prefix, reads.Fields...)
	for rel, child := range reads.Children {
		c := r.children[rel]
		if c == nil {
			c = NewReadList("Id")
			r.children[rel] = c
		}
		c.AddReads("", child)
	}
}

// SOQL is SELECT <fields>, (<child subqueries>) FROM object WHERE where.
func (r *ReadList) SOQL(object, where string) string {
	parts := append([]string(nil), r.fields...)
	for _, rel := range slices.Sorted(maps.Keys(r.children)) {
		parts = append(parts, "(SELECT "+strings.Join(r.children[rel].fields, ", ")+" FROM "+rel+")")
	}
	return "SELECT " + strings.Join(parts, ", ") + " FROM " + object + " WHERE " + where
}

// ByID is a WHERE clause matching one record id.
func ByID(id string) string { return "Id = '" + salesforce.EscapeSOQL(id) + "'" }

// SalesforceIDs are the ids of the object's records whose field holds
// value, e.g. the account whose NetSuite_Id__c names a NetSuite customer.
// object and field go into the query as they are: callers pass plain names.
func SalesforceIDs(ctx context.Context, sf SalesforceAPI, object, field, value string) ([]string, error) {
	recs, err := sf.Query(ctx, "SELECT Id FROM "+object+" WHERE "+field+" = '"+salesforce.EscapeSOQL(value)+"'")
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(recs))
	for _, r := range recs {
		ids = append(ids, r.String("Id"))
	}
	return ids, nil
}
