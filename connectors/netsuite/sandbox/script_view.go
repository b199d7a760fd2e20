package sandbox

import (
	"cmp"
	"strings"
	"time"
	_ "time/tzdata" // server-side SuiteScript dates are Pacific midnights, wherever the sandbox runs
)

// scriptRecord is a record as a user event script reads it
// (context.newRecord / oldRecord): values by SuiteScript field id in the
// forms getValue returns (select fields as internal id strings, numbers,
// booleans, datetimes and dates as time.Time), and its sublists' lines.
type scriptRecord struct {
	typ, id  string
	values   map[string]any
	sublists []scriptSublist // in getSublists() order
}

// scriptSublist is one sublist's lines; a price matrix line holds
// "pricelevel" and "price" ([]any, one price per quantity column).
type scriptSublist struct {
	id    string
	lines []map[string]any
}

// scriptNames maps SuiteScript field ids to the sandbox field they read,
// where the names differ.
var scriptNames = map[string]map[string]string{
	"inventoryItem":        {"salesdescription": "description"},
	"nonInventorySaleItem": {"salesdescription": "description"},
	"serviceSaleItem":      {"salesdescription": "description"},
	"otherChargeSaleItem":  {"salesdescription": "description"},
}

// pacific is the time zone server-side SuiteScript runs in: a date field
// reads as midnight there (2026-01-10 → 2026-01-10T08:00:00Z).
var pacific = mustLoadLocation("America/Los_Angeles")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded: cannot happen
	}
	return loc
}

// scriptType is the record type as SuiteScript names it (record.Type).
func scriptType(rt *recordType) string {
	switch rt.name {
	case "nonInventorySaleItem":
		return "noninventoryitem"
	case "serviceSaleItem":
		return "serviceitem"
	case "otherChargeSaleItem":
		return "otherchargeitem"
	}
	return strings.ToLower(rt.name)
}

// scriptView shows r the way the script reads it: the fields and sublists
// w watches, and lastmodifieddate.
func scriptView(r *record, w watch) scriptRecord {
	v := scriptRecord{typ: scriptType(r.typ), id: r.id, values: map[string]any{"lastmodifieddate": r.modified}}
	for _, id := range w.body {
		v.values[id] = scriptValue(r, id)
	}
	for _, sl := range w.sublists {
		v.sublists = append(v.sublists, scriptSublist{id: sl.id, lines: scriptLines(r, sl)})
	}
	if w.prices {
		v.sublists = append(v.sublists, priceSublists(r)...)
	}
	return v
}

// inlineView is an inline edit's newRecord: only the edited fields.
func inlineView(r *record, edited []string) scriptRecord {
	v := scriptRecord{typ: scriptType(r.typ), id: r.id, values: map[string]any{}}
	for _, id := range edited {
		v.values[id] = scriptValue(r, id)
	}
	return v
}

// scriptID is the SuiteScript id of a sandbox body field.
func scriptID(rt *recordType, fieldName string) string {
	for id, name := range scriptNames[rt.name] {
		if strings.EqualFold(name, fieldName) {
			return id
		}
	}
	return strings.ToLower(fieldName)
}

// scriptValue reads a body field by SuiteScript id. A transaction's
// status reads as its text; a sales order keeps it in orderStatus.
func scriptValue(r *record, id string) any {
	name := cmp.Or(scriptNames[r.typ.name][id], id)
	if id == "status" && r.typ.name == "salesOrder" {
		name = "orderStatus"
	}
	f, ok := r.typ.fields.lookup(name)
	if !ok {
		return nil
	}
	return scriptScalar(f, r.fields[f.name], id == "status")
}

func scriptScalar(f *field, v any, asText bool) any {
	switch x := v.(type) {
	case refValue:
		return x.id
	case enumValue:
		if asText {
			return enumName(f, string(x))
		}
		return string(x)
	case string:
		if f.kind == kindDate {
			if d, err := time.ParseInLocation(time.DateOnly, x, pacific); err == nil {
				return d
			}
		}
	}
	return v
}

func scriptLines(r *record, sl watchedSublist) []map[string]any {
	f, ok := r.typ.fields.lookup(sl.id)
	if !ok {
		return nil
	}
	var out []map[string]any
	for _, l := range r.linesOf(f.name) {
		values := map[string]any{}
		for _, id := range sl.fields {
			if lf, ok := f.fields.lookup(id); ok {
				values[id] = scriptScalar(lf, l.fields[lf.name], false)
			}
		}
		out = append(out, values)
	}
	return out
}

// priceSublists turns the item's price lines into SuiteScript's price
// matrices: with Multiple Currencies one sublist per currency (price1,
// price2, …), a row per price level, a column per quantity break.
func priceSublists(r *record) []scriptSublist {
	var out []scriptSublist
	index := map[string]int{} // sublist id → index in out
	for _, l := range r.linesOf("price") {
		id := "price"
		if cur, ok := l.fields["currencyPage"].(refValue); ok {
			id += cur.id
		}
		i, ok := index[id]
		if !ok {
			i, index[id] = len(out), len(out)
			out = append(out, scriptSublist{id: id})
		}
		out[i].lines = addPrice(out[i].lines, l)
	}
	return out
}

// addPrice adds a price line's price to its level's row.
func addPrice(rows []map[string]any, l *line) []map[string]any {
	level := ""
	if ref, ok := l.fields["priceLevel"].(refValue); ok {
		level = ref.id
	}
	for _, row := range rows {
		if row["pricelevel"] == level {
			row["price"] = append(row["price"].([]any), l.fields["price"])
			return rows
		}
	}
	return append(rows, map[string]any{"pricelevel": level, "price": []any{l.fields["price"]}})
}
