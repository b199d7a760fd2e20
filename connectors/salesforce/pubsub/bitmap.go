package pubsub

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"
)

// FieldNames decodes the bitmaps of a change event header's changedFields,
// nulledFields or diffFields against the event's schema: "0x…" sets bit i
// for the schema's top-level field i (bit 0 the lowest bit of the last
// byte); "P-0x…" sets bit j for component j of the compound field at
// top-level index P, named "Parent.Component" (BillingAddress.City).
// Entries that are already names pass through.
func FieldNames(schema *avro.RecordSchema, bitmaps []string) ([]string, error) {
	var names []string
	fields := schema.Fields()
	for _, entry := range bitmaps {
		parent, hex, nested := strings.Cut(entry, "-")
		if !nested {
			hex, parent = parent, ""
		}
		if !strings.HasPrefix(hex, "0x") {
			if !nested {
				names = append(names, entry) // a field name, as CometD sends
				continue
			}
			return nil, fmt.Errorf("pubsub: bitmap %q: want P-0x<hex>", entry)
		}
		bits, ok := new(big.Int).SetString(hex[2:], 16)
		if !ok || len(hex) == 2 {
			return nil, fmt.Errorf("pubsub: bitmap %q is not hexadecimal", entry)
		}
		if !nested {
			for i := range bits.BitLen() {
				if bits.Bit(i) == 0 {
					continue
				}
				if i >= len(fields) {
					return nil, fmt.Errorf("pubsub: bitmap %q names field %d of %d in %s", entry, i, len(fields), schema.FullName())
				}
				names = append(names, fields[i].Name())
			}
			continue
		}
		p, err := strconv.Atoi(parent)
		if err != nil || p < 0 || p >= len(fields) {
			return nil, fmt.Errorf("pubsub: bitmap %q names no field of %s", entry, schema.FullName())
		}
		rec := recordOf(fields[p].Type())
		if rec == nil {
			return nil, fmt.Errorf("pubsub: bitmap %q: field %s of %s is not a compound field", entry, fields[p].Name(), schema.FullName())
		}
		parts := rec.Fields()
		for j := range bits.BitLen() {
			if bits.Bit(j) == 0 {
				continue
			}
			if j >= len(parts) {
				return nil, fmt.Errorf("pubsub: bitmap %q names component %d of %d in %s", entry, j, len(parts), fields[p].Name())
			}
			names = append(names, fields[p].Name()+"."+parts[j].Name())
		}
	}
	return names, nil
}

// recordOf is the record type of a field: itself or the record branch of
// a nullable union.
func recordOf(t avro.Schema) *avro.RecordSchema {
	switch t := t.(type) {
	case *avro.RecordSchema:
		return t
	case *avro.RefSchema:
		return recordOf(t.Schema())
	case *avro.UnionSchema:
		for _, b := range t.Types() {
			if r := recordOf(b); r != nil {
				return r
			}
		}
	}
	return nil
}
