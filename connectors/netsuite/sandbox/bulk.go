package sandbox

import (
	"fmt"
	"time"
)

// OrderSpec is a sales order LoadOrders creates, with its billing: one
// line of item 1001, at most one invoice and one payment on it.
type OrderSpec struct {
	ExternalID string // SFOPP-<opportunity id>, or "" for none
	Customer   string // internal id
	Currency   string // internal id; "" = the customer's
	Date       time.Time
	Amount     float64 // ordered
	Billed     float64 // invoiced from it; 0 = no invoice
	Paid       float64 // paid on that invoice
	Status     string  // orderStatus letter; "" = B Pending Fulfillment
}

// LoadOrders creates sales orders, their invoices and payments straight
// into the store, for benchmarks that need 100,000 of them: no HTTP, no
// webhooks, no change events, and none of the per-write scans of every
// invoice that transforms and payments do. It returns the orders' ids.
func (s *Server) LoadOrders(specs []OrderSpec) ([]string, error) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	tx := &txn{s: s.store, now: s.cfg.Clock().UTC().Truncate(time.Second)}
	ids := make([]string, 0, len(specs))
	for i, o := range specs {
		id, err := tx.loadOrder(o)
		if err != nil {
			return ids, fmt.Errorf("netsuite sandbox: loading order %d (%s): %w", i, o.ExternalID, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (tx *txn) loadOrder(o OrderSpec) (string, *apiError) {
	day := o.Date.Format(time.DateOnly)
	header := func(body map[string]any) map[string]any {
		body["tranDate"] = day
		if o.Currency != "" {
			body["currency"] = idRef(o.Currency)
		}
		return body
	}
	status := o.Status
	if status == "" {
		status = "B"
	}
	order := header(map[string]any{"entity": idRef(o.Customer), "orderStatus": idRef(status),
		"item": map[string]any{"items": []any{map[string]any{"item": idRef("1001"), "quantity": 1.0, "rate": o.Amount}}}})
	if o.ExternalID != "" {
		order["externalId"] = o.ExternalID
	}
	so, err := tx.put("salesOrder", order)
	if err != nil || o.Billed == 0 {
		return idOf(so), err
	}
	inv, err := tx.put("invoice", header(map[string]any{"entity": idRef(o.Customer), "createdFrom": idRef(so.id),
		"item": map[string]any{"items": []any{map[string]any{"item": idRef("1001"), "quantity": 1.0, "rate": o.Billed,
			"orderLine": 1.0}}}}))
	if err != nil || o.Paid == 0 {
		return so.id, err
	}
	if _, err := tx.put("customerPayment", header(map[string]any{"customer": idRef(o.Customer), "payment": o.Paid,
		"apply": map[string]any{"items": []any{map[string]any{"doc": idRef(inv.id), "apply": true, "amount": o.Paid}}}})); err != nil {
		return so.id, err
	}
	paid := inv.clone()
	settleInvoice(paid, o.Paid)
	tx.s.put(paid)
	return so.id, nil
}

// put creates a record of a type from a request body and stores it.
func (tx *txn) put(typeName string, body map[string]any) (*record, *apiError) {
	rt, _ := lookupType(typeName)
	r, err := tx.create(rt, body, writeOptions{asUser: true})
	if err != nil {
		return nil, err
	}
	tx.s.put(r)
	return r, nil
}

func idOf(r *record) string {
	if r == nil {
		return ""
	}
	return r.id
}
