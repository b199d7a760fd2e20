package sandbox

import (
	"math"
	"time"
)

// Transactions: salesOrder, invoice, customerPayment. They share the
// transaction id series; each numbers its tranId with its own prefix.

var (
	orderStatuses   = map[string]string{"A": "Pending Approval", "B": "Pending Fulfillment"}
	invoiceStatuses = map[string]string{"A": "Open", "B": "Paid In Full"}
)

func itemLines() *field {
	return sublist("item", "line",
		integer("line"), ref("item", "item"), num("quantity"), num("rate"), num("amount"),
		str("description"), ref("price", "priceLevel"), boolean("isClosed"))
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
		refName: tranRefName("Sales Order"), complete: completeSalesOrder},
		append(transactionHeader(), ref("entity", "customer"), enum("orderStatus", orderStatuses),
			ref("opportunity", "opportunity"), date("shipDate"), date("startDate"), date("endDate"), itemLines())...,
	)
	register(&recordType{name: "invoice", family: familyTransaction, created: "createdDate", tranPrefix: "INV",
		refName: tranRefName("Invoice"), complete: completeInvoice},
		append(transactionHeader(), ref("entity", "customer"), date("dueDate"), ref("createdFrom", "salesOrder"),
			ref("postingPeriod", "accountingPeriod"), readOnly(enum("status", invoiceStatuses)),
			readOnly(num("amountPaid")), readOnly(num("amountRemaining")), itemLines())...,
	)
	register(&recordType{name: "customerPayment", family: familyTransaction, created: "createdDate", tranPrefix: "PYMT",
		refName: tranRefName("Payment"), complete: completePayment},
		append(transactionHeader(), ref("customer", "customer"), num("payment"), ref("account", "account"),
			readOnly(num("applied")), readOnly(num("unapplied")),
			sublist("apply", "doc", ref("doc", "invoice"), boolean("apply"), num("amount"),
				readOnly(num("total")), readOnly(num("due")), readOnly(str("refNum"))))...,
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
	remaining := round2(r.number("total") - r.number("amountPaid"))
	r.fields["amountRemaining"] = remaining
	r.fields["status"] = enumValue("A")
	if remaining <= 0 && r.number("total") > 0 {
		r.fields["status"] = enumValue("B")
	}
	return nil
}

// completePayment applies the payment to the listed invoices: an applied
// line defaults to the invoice's remaining amount.
func completePayment(tx *txn, r *record) *apiError {
	if err := completeHeader(tx, r, "customer"); err != nil {
		return err
	}
	applied := 0.0
	for _, l := range r.sublist("apply").lines {
		doc, ok := l.fields["doc"].(refValue)
		if !ok {
			return missingValues("Invoice")
		}
		inv, ok := tx.resolve("invoice", doc.id)
		if !ok {
			return invalidValue(doc.id, "doc", "apply")
		}
		l.fields["apply"] = orDefault(l.fields["apply"], true)
		l.fields["total"] = inv.number("total")
		l.fields["due"] = inv.number("amountRemaining")
		l.fields["refNum"] = inv.string("tranId")
		l.fields["amount"] = orDefault(l.fields["amount"], inv.number("amountRemaining"))
		if l.fields["apply"] == true {
			applied += l.fields["amount"].(float64)
		}
	}
	r.setDefault("payment", round2(applied))
	r.fields["applied"] = round2(applied)
	r.fields["unapplied"] = round2(r.number("payment") - applied)
	r.fields["total"] = r.number("payment")
	return nil
}
