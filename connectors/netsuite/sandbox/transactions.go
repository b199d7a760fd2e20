package sandbox

import (
	"math"
	"time"
)

// Transactions: salesOrder, invoice, customerPayment, creditMemo, customerRefund. They
// share the transaction id series; each numbers its tranId with its own
// prefix. Payments and credit memos are in receivables.go, refunds in refunds.go.

var (
	// orderStatuses are SalesOrd:A…H. C Cancelled and H Closed end an order
	// without (more) billing; the sandbox does not move an order through
	// D…G as it is fulfilled and billed.
	orderStatuses = map[string]string{"A": "Pending Approval", "B": "Pending Fulfillment", "C": "Cancelled",
		"D": "Partially Fulfilled", "E": "Pending Billing/Partially Fulfilled", "F": "Pending Billing", "G": "Billed",
		"H": "Closed"}
	invoiceStatuses = map[string]string{"A": "Open", "B": "Paid In Full"}
)

func itemLines(extra ...*field) *field {
	return sublist("item", "line", append([]*field{
		integer("line"), ref("item", "item"), num("quantity"), num("rate"), num("amount"),
		str("description"), ref("price", "priceLevel"), boolean("isClosed")}, extra...)...)
}

func transactionHeader() []*field {
	return []*field{
		str("tranId"), date("tranDate"), str("memo"), str("otherRefNum"), str("email"),
		ref("currency", "currency"), ref("subsidiary", "subsidiary"), readOnly(num("exchangeRate")),
		ref("terms", "term"), ref("salesRep", "employee"), ref("location", "location"),
		ref("department", "department"), ref("class", "classification"),
		readOnly(num("subtotal")), readOnly(num("total")),
	}
}

func init() {
	register(&recordType{name: "salesOrder", family: familyTransaction, created: "createdDate", tranPrefix: "SO",
		refName: tranRefName("Sales Order"), complete: completeSalesOrder, deletable: orderDeletable},
		append(transactionHeader(), ref("entity", "customer"), enum("orderStatus", orderStatuses),
			ref("opportunity", "opportunity"), date("shipDate"), date("startDate"), date("endDate"), itemLines())...,
	)
	register(&recordType{name: "invoice", family: familyTransaction, created: "createdDate", tranPrefix: "INV",
		refName: tranRefName("Invoice"), complete: completeInvoice, deletable: invoiceDeletable},
		append(transactionHeader(), ref("entity", "customer"), date("dueDate"), ref("createdFrom", "salesOrder"),
			ref("postingPeriod", "accountingPeriod"), readOnly(enum("status", invoiceStatuses)),
			readOnly(num("amountPaid")), readOnly(num("amountRemaining")), itemLines(integer("orderLine")))...,
	)
}

func tranRefName(label string) func(*record) string {
	return func(r *record) string { return label + " #" + r.string("tranId") }
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// completeHeader defaults what a transaction takes from its customer.
func completeHeader(tx *txn, r *record, customerField string) *apiError {
	if err := require(r, requirement{customerField, "Customer"}); err != nil {
		return err
	}
	r.setDefault("tranDate", tx.now.Format(time.DateOnly))
	if customer, ok := tx.target(r, customerField); ok {
		for _, f := range []string{"currency", "subsidiary"} {
			if v, ok := customer.ref(f); ok {
				r.setDefault(f, v)
			}
		}
	}
	if cur, ok := tx.target(r, "currency"); ok {
		r.fields["exchangeRate"] = cur.number("exchangeRate")
	}
	return nil
}

// completeItemLines prices every line (rate from the item, amount =
// quantity × rate) and totals them.
func completeItemLines(tx *txn, r *record) *apiError {
	ls := r.sublist("item")
	if len(ls.lines) == 0 {
		return userError("You must enter at least one line item for this transaction.")
	}
	total := 0.0
	for _, l := range ls.lines {
		item, ok := lineItem(tx, l)
		if !ok {
			return missingValues("Item")
		}
		l.fields["quantity"] = orDefault(l.fields["quantity"], 1.0)
		l.fields["rate"] = orDefault(l.fields["rate"], item.number("rate"))
		l.fields["amount"] = round2(l.fields["quantity"].(float64) * l.fields["rate"].(float64))
		if d := item.string("description"); d != "" {
			l.fields["description"] = orDefault(l.fields["description"], d)
		}
		if base, ok := tx.resolve("priceLevel", basePriceLevel); ok {
			l.fields["price"] = orDefault(l.fields["price"], refValue{typ: base.typ.name, id: base.id})
		}
		l.fields["isClosed"] = orDefault(l.fields["isClosed"], false)
		total += l.fields["amount"].(float64)
	}
	r.fields["subtotal"] = round2(total)
	r.fields["total"] = round2(total)
	return nil
}

func lineItem(tx *txn, l *line) (*record, bool) {
	v, ok := l.fields["item"].(refValue)
	if !ok {
		return nil, false
	}
	return tx.resolve("item", v.id)
}

func orDefault(v, def any) any {
	if v == nil {
		return def
	}
	return v
}

func completeSalesOrder(tx *txn, r *record) *apiError {
	if err := completeHeader(tx, r, "entity"); err != nil {
		return err
	}
	r.setDefault("orderStatus", enumValue("B"))
	return completeItemLines(tx, r)
}

func completeInvoice(tx *txn, r *record) *apiError {
	if err := completeHeader(tx, r, "entity"); err != nil {
		return err
	}
	if err := completeItemLines(tx, r); err != nil {
		return err
	}
	r.setDefault("dueDate", r.fields["tranDate"])
	r.setDefault("amountPaid", 0.0)
	settleInvoice(r, r.number("amountPaid"))
	return nil
}

// settleInvoice sets what an invoice shows of the payments and credits
// applied to it: amountPaid, amountRemaining and status (CustInvc:A Open
// while anything is due, B Paid In Full).
func settleInvoice(r *record, paid float64) {
	r.fields["amountPaid"] = round2(paid)
	remaining := round2(r.number("total") - paid)
	r.fields["amountRemaining"] = remaining
	r.fields["status"] = enumValue("A")
	if remaining <= 0 && r.number("total") > 0 {
		r.fields["status"] = enumValue("B")
	}
}
