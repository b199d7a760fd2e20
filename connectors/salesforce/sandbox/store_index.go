package sandbox

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// index finds rows by the value of an external id or reference field
// without reading every row of the object: upserts by external id and
// the price book rules would otherwise cost a scan of the object per
// record, too slow for a 40,000-record catalog. It holds candidates
// only: callers still check the row's value and IsDeleted.
type index map[string]map[string][]string // object|field → key → ids in creation order

func indexed(f *schema.Field) bool { return f.ExternalID || f.Type == schema.Reference }

func indexKey(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return strings.ToLower(x), true
	}
	return fmt.Sprint(v), true
}

func (ix index) update(o *schema.Object, id string, before, after map[string]any) {
	for _, f := range o.Fields {
		if !indexed(f) {
			continue
		}
		var old, cur any
		if before != nil {
			old = before[f.Name]
		}
		if after != nil {
			cur = after[f.Name]
		}
		if before != nil && after != nil && old == cur {
			continue
		}
		name := o.Name + "|" + f.Name
		if k, ok := indexKey(old); ok && before != nil {
			ix[name][k] = slices.DeleteFunc(ix[name][k], func(x string) bool { return x == id })
		}
		if k, ok := indexKey(cur); ok && after != nil {
			if ix[name] == nil {
				ix[name] = map[string][]string{}
			}
			ix[name][k] = append(ix[name][k], id)
		}
	}
}

// candidates are the ids whose field may equal value; ok is false when
// the field is not indexed.
func (ix index) candidates(object string, f *schema.Field, value any) ([]string, bool) {
	if !indexed(f) {
		return nil, false
	}
	k, ok := indexKey(value)
	if !ok {
		return nil, true
	}
	return ix[object+"|"+f.Name][k], true
}
