package sandbox

// Customer refunds (netsuite.md §7): a plain POST /record/v1/customerRefund
// (no transform) whose apply sublist names the credits being paid back to
// the customer: customer payments with an unapplied amount and credit
// memos with an amount remaining, keyed by doc like a payment's lines.
//
// A refund never touches an invoice: NetSuite refunds only credit that is
// not applied, so money paid on an invoice is refunded by unapplying it
// first (a payment edit, which moves the invoice back) and then refunding
// the payment. What a refund moves is the credit it uses up: the
// payment's unapplied and the credit memo's unapplied, amountRemaining
// and status (B Fully Applied once nothing is left), and so the
// customer's balance, which nets unapplied credit off (credit.go). Like a
// payment's invoices, those credits are recomputed after every committed
// change of a refund (create, edit, delete, Void) from everything refunded
// from them, fire no user event and keep their lastModifiedDate.
//
// Status is R (label unconfirmed; the sandbox says Refunded) or V Voided.
// Which unapplied credit a refund may take, and that a payment or credit
// memo with refunds cannot be voided or deleted, follow NetSuite's UI
// ("dependent records"); the REST wording is unconfirmed.

var refundStatuses = map[string]string{"R": "Refunded", "V": "Voided"}

// refundable are the record types a refund line may pay back.
var refundable = []string{"customerPayment", "creditMemo"}

func init() {
	register(&recordType{name: "customerRefund", family: familyTransaction, created: "createdDate", tranPrefix: "RFND",
		refName: tranRefName("Customer Refund"), complete: completeRefund, settle: settleRefunded},
		append(transactionHeader(), ref("customer", "customer"), ref("account", "account"), ref("arAcct", "account"),
			enum("paymentOperation", map[string]string{"CREDIT": "Credit", "REFUND": "Refund"}),
			readOnly(enum("status", refundStatuses)), refundLines())...,
	)
}

func refundLines() *field {
	return sublist("apply", "doc", ref("doc", "refundable"), boolean("apply"), num("amount"),
		readOnly(num("total")), readOnly(num("due")), readOnly(str("refNum")), readOnly(date("applyDate")),
		readOnly(str("type")), readOnly(integer("line")), readOnly(ref("currency", "currency")))
}

// completeRefund checks and fills the refund's lines: a line applies by
// default, for all the credit left on its document; the total is what
// the lines refund.
func completeRefund(tx *txn, r *record) *apiError {
	if err := completeHeader(tx, r, "customer"); err != nil {
		return err
	}
	if r.fields["status"] == voided {
		return nil
	}
	customer, _ := r.ref("customer")
	total, err := walkApply(tx, r, applyRules{
		docLabel: "Credit",
		doc: func(id string) (*record, bool) {
			credit, ok := tx.resolve("refundable", id)
			return credit, ok && sameRef(credit, customerFieldOf(credit), customer) && credit.fields["status"] != voided
		},
		amounts:       func(credit *record) (total, left float64) { return creditTotal(credit), credit.number("unapplied") },
		defaultAmount: func(due, _ float64) float64 { return due },
		// Sandbox wording: Oracle's text for refunding more than is left is not captured.
		excess: "The amount refunded from %s (%s) exceeds its unapplied amount (%s).",
	})
	if err != nil {
		return err
	}
	if total <= 0 {
		// Sandbox wording: NetSuite refuses a refund of nothing; its REST text is not captured.
		return userError("You must apply at least one credit to refund.")
	}
	r.fields["total"] = round2(total)
	r.setDefault("status", enumValue("R"))
	return nil
}

func customerFieldOf(r *record) string {
	if r.typ.name == "customerPayment" {
		return "customer"
	}
	return "entity"
}

// creditTotal is a credit's original amount.
func creditTotal(r *record) float64 {
	if r.typ.name == "customerPayment" {
		return r.number("payment")
	}
	return r.number("total")
}

// refundedFrom sums what every refund pays back from one credit.
func (s *store) refundedFrom(id string) float64 {
	total := 0.0
	for _, r := range s.records["customerRefund"] {
		total += appliedByDoc(r)[id]
	}
	return round2(total)
}

// settleRefunded recomputes the credits a refund's change touched.
func settleRefunded(tx *txn, before, after *record) {
	for _, r := range []*record{before, after} {
		if r == nil {
			continue
		}
		for _, l := range r.linesOf("apply") {
			doc, ok := l.fields["doc"].(refValue)
			if !ok {
				continue
			}
			credit, ok := tx.resolve("refundable", doc.id)
			if !ok || credit.fields["status"] == voided {
				continue
			}
			changed := credit.clone()
			settleCredit(changed, tx.s.refundedFrom(credit.id))
			tx.s.put(changed) // lastModifiedDate stays, as for invoices a payment moves
		}
	}
}

// settleCredit sets what is left of a payment's or credit memo's credit
// once its applications and refunds are taken off.
func settleCredit(r *record, refunded float64) {
	left := round2(creditTotal(r) - r.number("applied") - refunded)
	r.fields["unapplied"] = left
	if r.typ.name == "creditMemo" {
		r.fields["amountRemaining"] = left
		r.fields["status"] = enumValue("A")
		if left <= 0 {
			r.fields["status"] = enumValue("B")
		}
	}
}

// creditDeletable: a payment or credit memo that refunds draw on keeps
// them, as NetSuite keeps any record with dependents.
func creditDeletable(tx *txn, r *record) *apiError {
	if tx.s.refundedFrom(r.id) > 0 {
		return userError("This record cannot be deleted because it has dependent records.")
	}
	return nil
}
