package sandbox

import (
	"regexp"
	"slices"
	"time"
)

// watch is what the shipped script reports of one record type, as
// tandem_watched_fields.js says: body fields, sublists (a changed one is
// sent as true) and the item price matrices.
type watch struct {
	body     []string
	sublists []watchedSublist // in the script's key order
	prices   bool
}

type watchedSublist struct {
	id     string
	fields []string
}

var itemWatch = watch{body: []string{"itemid", "displayname", "salesdescription", "rate", "isinactive", "subsidiary", "externalid"}, prices: true}

// watchedFields mirrors deploy/netsuite/src/FileCabinet/SuiteScripts/Tandem/tandem_watched_fields.js.
var watchedFields = map[string]watch{
	"customer": {
		body: []string{"companyname", "firstname", "lastname", "isperson", "entityid", "email", "phone", "url",
			"subsidiary", "currency", "terms", "salesrep", "parent", "creditlimit", "creditholdoverride",
			"balance", "overduebalance", "daysoverdue", "isinactive", "externalid", "entitystatus"},
		sublists: []watchedSublist{{"addressbook", []string{"label", "defaultbilling", "defaultshipping", "addressbookaddress_text"}}},
	},
	"contact": {body: []string{"firstname", "lastname", "email", "phone", "mobilephone", "title", "company", "subsidiary", "isinactive", "externalid"}},
	"invoice": {body: []string{"tranid", "trandate", "duedate", "entity", "createdfrom", "currency", "status",
		"total", "amountpaid", "amountremaining", "externalid"}},
	"customerpayment": {
		body:     []string{"customer", "trandate", "currency", "payment", "status", "externalid"},
		sublists: []watchedSublist{{"apply", []string{"apply", "doc", "amount"}}},
	},
	"creditmemo": {
		body: []string{"tranid", "trandate", "entity", "createdfrom", "currency", "status", "total", "amountremaining",
			"externalid"},
		sublists: []watchedSublist{{"apply", []string{"apply", "doc", "amount"}}},
	},
	"customerrefund": {
		body:     []string{"tranid", "trandate", "customer", "currency", "total", "status", "externalid"},
		sublists: []watchedSublist{{"apply", []string{"apply", "doc", "amount"}}},
	},
	"salesorder": {
		body:     []string{"tranid", "trandate", "entity", "status", "orderstatus", "total", "currency", "subsidiary", "externalid"},
		sublists: []watchedSublist{{"item", []string{"item", "quantity", "rate", "amount"}}},
	},
	"inventoryitem":    itemWatch,
	"noninventoryitem": itemWatch,
	"serviceitem":      itemWatch,
}

var priceSublist = regexp.MustCompile(`^price\d*$`)

// keyed is one entry of a JSON object that keeps its key order.
type keyed struct {
	key   string
	value string // JSON text
}

// changedFields is the webhook's fields hint: the port of changedFields
// in tandem_webhook_lib.js. For xedit, newRec holds only the edited fields.
func changedFields(eventType string, oldRec, newRec scriptRecord, w watch) orderedObject {
	switch eventType {
	case ChangeCreate:
		return snapshot(newRec, w.body, fingerprints(newRec, w))
	case ChangeDelete:
		return snapshot(oldRec, w.body, nil)
	case ChangeXEdit:
		var edited []string
		for _, id := range w.body {
			if _, ok := newRec.values[id]; ok {
				edited = append(edited, id)
			}
		}
		return diff(oldRec, newRec, edited, nil, nil)
	}
	return diff(oldRec, newRec, w.body, fingerprints(oldRec, w), fingerprints(newRec, w))
}

// snapshot: every watched field that has a value, every sublist with lines.
func snapshot(rec scriptRecord, body []string, sublists []keyed) orderedObject {
	fields := orderedObject{values: map[string]any{}}
	for _, id := range body {
		if v := plain(rec.values[id]); v != nil {
			fields.set(id, v)
		}
	}
	for _, s := range sublists {
		if s.value != "[]" {
			fields.set(s.key, true)
		}
	}
	return fields
}

// diff: watched fields whose value changed (cleared ones as null) and
// sublists whose lines changed (as true).
func diff(oldRec, newRec scriptRecord, body []string, oldSublists, newSublists []keyed) orderedObject {
	fields := orderedObject{values: map[string]any{}}
	for _, id := range body {
		before, after := plain(oldRec.values[id]), plain(newRec.values[id])
		if string(scriptJSON(before)) != string(scriptJSON(after)) {
			fields.set(id, after)
		}
	}
	var ids []string
	for _, s := range slices.Concat(oldSublists, newSublists) {
		if !slices.Contains(ids, s.key) {
			ids = append(ids, s.key)
		}
	}
	for _, id := range ids {
		if fingerprint(oldSublists, id) != fingerprint(newSublists, id) {
			fields.set(id, true)
		}
	}
	return fields
}

func fingerprint(sublists []keyed, id string) string {
	for _, s := range sublists {
		if s.key == id {
			return s.value
		}
	}
	return "[]"
}

// fingerprints: each watched sublist's watched line values as JSON, then
// each price matrix's.
func fingerprints(rec scriptRecord, w watch) []keyed {
	var out []keyed
	for _, sl := range w.sublists {
		out = append(out, keyed{sl.id, string(scriptJSON(lineValues(rec, sl.id, sl.fields)))})
	}
	if w.prices {
		for _, s := range rec.sublists {
			if priceSublist.MatchString(s.id) {
				out = append(out, keyed{s.id, string(scriptJSON(priceMatrix(s)))})
			}
		}
	}
	return out
}

func lineValues(rec scriptRecord, sublistID string, fieldIDs []string) []any {
	rows := []any{}
	for _, s := range rec.sublists {
		if s.id != sublistID {
			continue
		}
		for _, l := range s.lines {
			row := []any{}
			for _, id := range fieldIDs {
				row = append(row, plain(l[id]))
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// priceMatrix: a row per price level, the level then one price per column.
func priceMatrix(s scriptSublist) []any {
	columns := 0
	for _, l := range s.lines {
		columns = max(columns, len(l["price"].([]any)))
	}
	rows := []any{}
	for _, l := range s.lines {
		row := []any{plain(l["pricelevel"])}
		prices := l["price"].([]any)
		for c := range columns {
			var p any
			if c < len(prices) {
				p = prices[c]
			}
			row = append(row, plain(p))
		}
		rows = append(rows, row)
	}
	return rows
}

// plain is a value as the webhook carries it: empty → null, a date or
// datetime → ISO-8601 UTC to the second.
func plain(v any) any {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
	case time.Time:
		return isoUTC(x)
	}
	return v
}

// isoUTC is a time as the script writes it (2017-07-21T17:32:28Z).
func isoUTC(t time.Time) string { return t.UTC().Format(isoSeconds) }
