package jobs

import (
	"sort"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/mapping"
)

// readList gathers the fields a flow reads from a Salesforce object: its
// own and those its mappings read, deduplicated ignoring case (SOQL field
// names are case-insensitive; a repeated field is MALFORMED_QUERY).
type readList struct {
	fields   []string
	seen     map[string]bool
	children map[string]*readList
}

func newReadList(fields ...string) *readList {
	r := &readList{seen: map[string]bool{}, children: map[string]*readList{}}
	r.add("", fields...)
	return r
}

// add adds fields, each behind prefix ("Account." for a parent's fields).
func (r *readList) add(prefix string, fields ...string) {
	for _, f := range fields {
		f = prefix + f
		if k := strings.ToLower(f); !r.seen[k] {
			r.seen[k] = true
			r.fields = append(r.fields, f)
		}
	}
}

// addReads adds what a mapping reads; prefix puts a parent's mapping
// under its relationship.
func (r *readList) addReads(prefix string, reads *mapping.Reads) {
	if reads == nil {
		return
	}
	r.add(prefix, reads.Fields...)
	for rel, child := range reads.Children {
		c := r.children[rel]
		if c == nil {
			c = newReadList("Id")
			r.children[rel] = c
		}
		c.addReads("", child)
	}
}

// soql is SELECT <fields>, (<child subqueries>) FROM object WHERE where.
func (r *readList) soql(object, where string) string {
	parts := append([]string(nil), r.fields...)
	rels := make([]string, 0, len(r.children))
	for rel := range r.children {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	for _, rel := range rels {
		parts = append(parts, "(SELECT "+strings.Join(r.children[rel].fields, ", ")+" FROM "+rel+")")
	}
	return "SELECT " + strings.Join(parts, ", ") + " FROM " + object + " WHERE " + where
}

// byID is a WHERE clause matching one record id.
func byID(id string) string { return "Id = '" + salesforce.EscapeSOQL(id) + "'" }
