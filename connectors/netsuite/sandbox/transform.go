package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// Transforms: POST /record/v1/{fromType}/{id}/!transform/{toType} with an
// optional body of fields to set on the new record answers 204 and the new
// record's Location, as a create does (O:section_157901123882; netsuite.md
// §7). The sandbox serves the pairs the invoice flows use:
//
//   - salesOrder → invoice: entity, currency, subsidiary, terms, sales rep,
//     location, department, class and otherRefNum come from the order,
//     createdFrom is the order, and each order line still unbilled becomes
//     an invoice line (orderLine = the order's line) for its unbilled
//     quantity. item.items[{orderLine, quantity}] bills part of a line, and
//     quantity 0 leaves the line out (oracle-devrel's partial billing
//     sample); lines without orderLine are added as on a create. An order
//     with nothing left to bill refuses, as a transaction without lines.
//   - invoice → customerPayment: the customer and currency of the invoice
//     and an apply line paying what remains on it (payment defaults to
//     that); body apply lines merge by doc.
//   - invoice → creditMemo: the invoice's entity, currency and lines,
//     createdFrom = the invoice, applied to it up to what remains on it.
//
// Body fields are those of the new record type; sublists in the body merge
// into the transformed lines as described.

// transformPairs are the supported transforms, by lower-case from → to type.
var transformPairs = map[string]map[string]func(tx *txn, from *record, body map[string]any) (map[string]any, *apiError){
	"salesorder": {"invoice": orderToInvoice},
	"invoice":    {"customerpayment": invoiceToPayment, "creditmemo": invoiceToCreditMemo},
}

func (s *Server) serveTransform(w http.ResponseWriter, r *http.Request) {
	fromRT, ok := requestTypeFor(w, r, http.MethodPost)
	if !ok {
		return
	}
	toRT, known := lookupType(r.PathValue("toType"))
	build, supported := transformPairs[strings.ToLower(fromRT.name)][strings.ToLower(r.PathValue("toType"))]
	if !known || !supported {
		// Sandbox wording: Oracle's answer for an unsupported pair is not captured.
		invalidRequest(fmt.Sprintf("The transformation of a %s record into a %s record is not supported.",
			fromRT.name, r.PathValue("toType"))).write(w)
		return
	}
	id := r.PathValue("id")
	s.writeRecord(w, r, func(body map[string]any, opt writeOptions) (*record, *apiError) {
		return s.transform(s.restSource(), fromRT, id, toRT, build, body, opt)
	})
}

// transform creates a record of toRT from the fromRT record id, in one commit.
func (s *Server) transform(src source, fromRT *recordType, id string, toRT *recordType,
	build func(tx *txn, from *record, body map[string]any) (map[string]any, *apiError), body map[string]any, opt writeOptions) (*record, *apiError) {
	return s.commit(src, func(tx *txn) (*record, *record, *apiError) {
		from, ok := tx.s.find(fromRT, id)
		if !ok {
			return nil, nil, notFound(detailNotFound)
		}
		newBody, err := build(tx, from, body)
		if err != nil {
			return nil, nil, err
		}
		created, err := tx.create(toRT, newBody, opt)
		return nil, created, err
	})
}

// refBody is a reference as a request body writes it.
func refBody(v refValue) map[string]any { return map[string]any{"id": v.id} }

// copyFields writes the named stored fields into a request body.
func copyFields(body, stored map[string]any, names ...string) map[string]any {
	for _, name := range names {
		switch v := stored[name].(type) {
		case refValue:
			body[name] = refBody(v)
		case nil:
		default:
			body[name] = v
		}
	}
	return body
}

// copyHeader starts the new record's body with from's header fields.
func copyHeader(from *record, names ...string) map[string]any {
	return copyFields(map[string]any{}, from.fields, names...)
}

// withBody sets the caller's body fields over the transformed ones, except
// the sublists named in merged, which the transform merges itself.
func withBody(out, body map[string]any, merged ...string) map[string]any {
	for k, v := range body {
		skip := false
		for _, m := range merged {
			skip = skip || strings.EqualFold(k, m)
		}
		if !skip {
			out[k] = v
		}
	}
	return out
}

// sublistItems are the lines body sends for a sublist, nil when none.
func sublistItems(body map[string]any, name string) []any {
	for k, v := range body {
		if strings.EqualFold(k, name) {
			obj, _ := v.(map[string]any)
			items, _ := obj["items"].([]any)
			return items
		}
	}
	return nil
}

func orderToInvoice(tx *txn, order *record, body map[string]any) (map[string]any, *apiError) {
	if status := order.fields["orderStatus"]; status == enumValue("C") || status == enumValue("H") {
		// Sandbox wording: Oracle's text for billing a cancelled or closed order is not captured.
		return nil, userError("You cannot bill a sales order that is cancelled or closed.")
	}
	out := copyHeader(order, "entity", "currency", "subsidiary", "terms", "salesRep", "location", "department",
		"class", "otherRefNum")
	out["createdFrom"] = map[string]any{"id": order.id}
	billed := billedQuantities(tx, order.id)
	type pending struct {
		line     map[string]any
		quantity float64
	}
	var lines []*pending
	byOrderLine := map[int]*pending{}
	for _, l := range order.linesOf("item") {
		quantity, _ := l.fields["quantity"].(float64)
		left := round2(quantity - billed[l.key])
		if l.fields["isClosed"] == true || left <= 0 {
			continue
		}
		line := copyFields(map[string]any{"orderLine": float64(l.key), "quantity": left}, l.fields,
			"item", "rate", "description", "price")
		p := &pending{line: line, quantity: left}
		lines = append(lines, p)
		byOrderLine[l.key] = p
	}
	var added []any
	for i, item := range sublistItems(body, "item") {
		path := fmt.Sprintf("item.items[%d]", i)
		sent, ok := item.(map[string]any)
		if !ok {
			return nil, invalidValue(shown(item), "item", path)
		}
		raw, hasOrderLine := sent["orderLine"]
		if !hasOrderLine {
			added = append(added, sent)
			continue
		}
		n, ok := toNumber(raw)
		p := byOrderLine[int(n)]
		if !ok || p == nil {
			return nil, invalidValue(shown(raw), "orderline", path+".orderLine")
		}
		for k, v := range sent {
			if !strings.EqualFold(k, "orderLine") {
				p.line[k] = v
			}
		}
		if q, ok := toNumber(p.line["quantity"]); ok && q > p.quantity {
			// Sandbox wording: Oracle's text for billing more than is left is not captured.
			return nil, userError(fmt.Sprintf("You cannot bill more than the %s remaining on order line %d.",
				shown(p.quantity), int(n)))
		}
	}
	var items []any
	for _, p := range lines {
		if q, ok := toNumber(p.line["quantity"]); !ok || q != 0 {
			items = append(items, p.line)
		}
	}
	out["item"] = map[string]any{"items": append(items, added...)}
	return withBody(out, body, "item", "createdFrom"), nil
}

// billedQuantities sums, per order line, what the order's invoices bill.
func billedQuantities(tx *txn, orderID string) map[int]float64 {
	billed := map[int]float64{}
	for _, inv := range tx.s.records["invoice"] {
		if !sameRef(inv, "createdFrom", refValue{id: orderID}) {
			continue
		}
		for _, l := range inv.linesOf("item") {
			orderLine, ok := l.fields["orderLine"].(float64)
			quantity, _ := l.fields["quantity"].(float64)
			if ok {
				billed[int(orderLine)] += quantity
			}
		}
	}
	return billed
}

func invoiceToPayment(_ *txn, inv *record, body map[string]any) (map[string]any, *apiError) {
	out := copyHeader(inv, "currency", "subsidiary")
	if entity, ok := inv.ref("entity"); ok {
		out["customer"] = refBody(entity)
	}
	apply := []any{map[string]any{"doc": map[string]any{"id": inv.id}, "apply": true}}
	out["apply"] = map[string]any{"items": append(apply, sublistItems(body, "apply")...)}
	return withBody(out, body, "apply", "customer"), nil
}

func invoiceToCreditMemo(_ *txn, inv *record, body map[string]any) (map[string]any, *apiError) {
	out := copyHeader(inv, "entity", "currency", "subsidiary", "terms", "salesRep", "location", "department", "class")
	out["createdFrom"] = map[string]any{"id": inv.id}
	if sublistItems(body, "item") == nil {
		var items []any
		for _, l := range inv.linesOf("item") {
			items = append(items, copyFields(map[string]any{}, l.fields, "item", "quantity", "rate", "description", "price"))
		}
		out["item"] = map[string]any{"items": items}
	}
	apply := []any{map[string]any{"doc": map[string]any{"id": inv.id}, "apply": true}}
	out["apply"] = map[string]any{"items": append(apply, sublistItems(body, "apply")...)}
	return withBody(out, body, "apply", "entity", "createdFrom"), nil
}
