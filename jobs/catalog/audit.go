package catalog

import "github.com/tandem-sync/tandem/connectors/netsuite"

// What the drift audit (jobs/drift) needs to judge an item and its product
// as this flow would: the same SuiteQL columns, the same record shape and
// the same comparison, so that the audit reports exactly what a sync of
// the item would write.

// ItemColumns are the SuiteQL item columns ItemRecord reads.
const ItemColumns = "id, itemid, displayname, description, itemtype, isinactive"

// ProductFields are the Product2 fields the flow writes (besides the link).
func ProductFields() []string { return append([]string(nil), productFields...) }

// ItemRecord is a SuiteQL item row (ItemColumns) as the item mapping reads it.
func ItemRecord(r netsuite.Row) map[string]any { return itemRecord(r) }

// SameValue is whether a product field already holds the mapped value.
func SameValue(mapped, current any) bool { return sameValue(mapped, current) }
