package sandbox

import (
	"fmt"
	"time"
)

// Receivables: customer payments and credit memos, and what they do to the
// invoices they are applied to (netsuite.md §7).
//
// Both carry an apply sublist keyed by doc (the invoice). A line's apply
// says whether it is applied and amount how much; PATCH merges lines by
// doc, so {"doc":{"id":"104"},"apply":false} unapplies and
// {"doc":{"id":"4"},"amount":200} changes the amount (Oracle's samples,
// fixtures oracle-rest-*-customerpayment*). What a payment does not apply
// stays on it as unapplied; a credit memo's unapplied part is its
// amountRemaining. After every committed change to one of them (create,
// edit, delete, Void) the sandbox recomputes each invoice named in the
// before or after version from everything applied to it, never by adding
// deltas: amountPaid = Σ applied payments and credits, amountRemaining =
// total − amountPaid, status CustInvc:A Open or B Paid In Full.
//
// Side effects fire no user event: a SuiteScript user event runs for the
// record that is submitted, not for the invoices the system updates
// because a payment was saved, so the webhook reports the payment and the
// flow must follow its apply lines. Whether NetSuite moves the invoice's
// lastModifiedDate then is unconfirmed; the sandbox does not (the
// pessimistic choice: a sweep must look at payments and credit memos too).

var (
	// paymentStatuses: CustPymt:A Unapproved Payment, B Not Deposited,
	// C Deposited (public status lists); V Voided is the sandbox's
	// (unconfirmed for payments).
	paymentStatuses = map[string]string{"A": "Unapproved Payment", "B": "Not Deposited", "C": "Deposited", "V": "Voided"}
	// creditMemoStatuses: CustCred:A Open, B Fully Applied, V Voided (labels unconfirmed).
	creditMemoStatuses = map[string]string{"A": "Open", "B": "Fully Applied", "V": "Voided"}
)

const voided = enumValue("V")

func applyLines() *field {
	return sublist("apply", "doc", ref("doc", "invoice"), boolean("apply"), num("amount"),
		readOnly(num("total")), readOnly(num("due")), readOnly(str("refNum")), readOnly(date("applyDate")),
		readOnly(str("type")), readOnly(integer("line")), readOnly(ref("currency", "currency")))
}

func init() {
	register(&recordType{name: "customerPayment", family: familyTransaction, created: "createdDate", tranPrefix: "PYMT",
		refName: tranRefName("Payment"), complete: completePayment, settle: settleApplied, deletable: creditDeletable},
		append(transactionHeader(), ref("customer", "customer"), num("payment"), ref("account", "account"),
			ref("arAcct", "account"), boolean("undepFunds"), boolean("autoApply"),
			readOnly(enum("status", paymentStatuses)), readOnly(num("applied")), readOnly(num("unapplied")),
			applyLines())...,
	)
	register(&recordType{name: "creditMemo", family: familyTransaction, created: "createdDate", tranPrefix: "CM",
		refName: tranRefName("Credit Memo"), complete: completeCreditMemo, settle: settleApplied, deletable: creditDeletable},
		append(transactionHeader(), ref("entity", "customer"), ref("createdFrom", "invoice"), boolean("autoApply"),
			ref("postingPeriod", "accountingPeriod"), readOnly(enum("status", creditMemoStatuses)),
			readOnly(num("applied")), readOnly(num("unapplied")), readOnly(num("amountRemaining")),
			itemLines(), applyLines())...,
	)
}

// completePayment: payment (the amount received) defaults to what is
// applied; applied + unapplied = payment = total ("To Apply").
func completePayment(tx *txn, r *record) *apiError {
	if err := completeHeader(tx, r, "customer"); err != nil {
		return err
	}
	if r.fields["status"] == voided {
		return nil
	}
	refunded := tx.s.refundedFrom(r.id) // refunds take their part of the payment first
	limit := -1.0
	if _, given := r.fields["payment"]; given {
		limit = r.number("payment") - refunded
	}
	applied, err := completeApply(tx, r, "customer", limit)
	if err != nil {
		return err
	}
	r.setDefault("payment", applied)
	if applied+refunded > r.number("payment") {
		// Sandbox wording: Oracle's text for over-applying is not captured.
		return userError(fmt.Sprintf("The total applied (%s) exceeds the payment amount (%s).",
			money(applied+refunded), money(r.number("payment"))))
	}
	r.fields["applied"] = applied
	r.fields["unapplied"] = round2(r.number("payment") - applied - refunded)
	r.fields["total"] = r.number("payment")
	r.setDefault("status", enumValue("B"))
	return nil
}

// completeCreditMemo: the credit is its item lines' total; what is not
// applied to invoices is its amountRemaining (unapplied).
func completeCreditMemo(tx *txn, r *record) *apiError {
	if err := completeHeader(tx, r, "entity"); err != nil {
		return err
	}
	if err := completeItemLines(tx, r); err != nil {
		return err
	}
	if r.fields["status"] == voided {
		return nil
	}
	refunded := tx.s.refundedFrom(r.id)
	applied, err := completeApply(tx, r, "entity", r.number("total")-refunded)
	if err != nil {
		return err
	}
	if applied+refunded > r.number("total") {
		return userError(fmt.Sprintf("The total applied (%s) exceeds the credit memo total (%s).",
			money(applied+refunded), money(r.number("total"))))
	}
	r.fields["applied"] = applied
	r.fields["unapplied"] = round2(r.number("total") - applied - refunded)
	r.fields["amountRemaining"] = r.fields["unapplied"]
	r.fields["status"] = enumValue("A")
	if r.number("unapplied") <= 0 {
		r.fields["status"] = enumValue("B")
	}
	return nil
}

func money(f float64) string { return fmt.Sprintf("%.2f", f) }

// completeApply checks and fills r's apply lines and returns the applied
// total. An invoice's due, for r, is what remains on it plus what r itself
// applied to it before this write. A new line applies by default; its
// amount defaults to the due, capped by what limit (the payment or credit
// total; negative = none) leaves. Unapplied lines keep amount 0.
func completeApply(tx *txn, r *record, customerField string, limit float64) (float64, *apiError) {
	customer, _ := r.ref(customerField)
	return walkApply(tx, r, applyRules{
		docLabel: "Invoice",
		doc: func(id string) (*record, bool) {
			inv, ok := tx.s.get(recordTypes["invoice"], id)
			return inv, ok && sameRef(inv, "entity", customer)
		},
		amounts: func(inv *record) (total, left float64) { return inv.number("total"), inv.number("amountRemaining") },
		defaultAmount: func(due, applied float64) float64 {
			if limit < 0 {
				return due
			}
			return max(0, min(due, round2(limit-applied)))
		},
		// Sandbox wording: Oracle's text for applying more than is due is not captured.
		excess: "The amount applied to %s (%s) exceeds the amount due (%s).",
	})
}

// applyRules are what tells the apply sublists apart: payments and credit
// memos apply to invoices, refunds to the customer's unapplied credits.
type applyRules struct {
	docLabel      string                                  // named when a line has no doc
	doc           func(id string) (*record, bool)         // the document, if r may apply to it
	amounts       func(doc *record) (total, left float64) // its original amount and what is left on it
	defaultAmount func(due, applied float64) float64      // a line's amount when none is given
	excess        string                                  // the error for more than is due: tranId, amount, due
}

// walkApply checks and fills r's apply lines by the rules and returns the
// applied total. A document's due, for r, is what is left on it plus what
// r itself applied to it before this write; a line that does not apply
// keeps amount 0.
func walkApply(tx *txn, r *record, rules applyRules) (float64, *apiError) {
	before := map[string]float64{}
	if old, ok := tx.s.get(r.typ, r.id); ok && r.id != "" {
		before = appliedByDoc(old)
	}
	applied := 0.0
	for i, l := range r.sublist("apply").lines {
		path := fmt.Sprintf("apply.items[%d]", i)
		ref, ok := l.fields["doc"].(refValue)
		if !ok {
			return 0, missingValues(rules.docLabel)
		}
		doc, ok := rules.doc(ref.id)
		if !ok {
			return 0, invalidValue(ref.id, "doc", path+".doc")
		}
		total, left := rules.amounts(doc)
		due := round2(left + before[ref.id])
		describeLine(l, doc, total, due)
		if l.fields["apply"] != true {
			l.fields["amount"] = 0.0
			continue
		}
		if _, given := l.fields["amount"]; !given {
			l.fields["amount"] = rules.defaultAmount(due, applied)
		}
		amount, _ := l.fields["amount"].(float64)
		switch {
		case amount < 0:
			return 0, invalidValue(money(amount), "amount", path+".amount")
		case amount > due:
			return 0, userError(fmt.Sprintf(rules.excess, doc.string("tranId"), money(amount), money(due)))
		}
		applied += amount
	}
	return round2(applied), nil
}

// describeLine fills the read-only fields of an apply line naming doc and
// applies it by default.
func describeLine(l *line, doc *record, total, due float64) {
	l.fields["apply"] = orDefault(l.fields["apply"], true)
	l.fields["total"] = total
	l.fields["due"] = due
	l.fields["refNum"] = doc.string("tranId")
	l.fields["applyDate"] = doc.string("tranDate")
	l.fields["type"] = statusLabels[doc.typ.name]
	l.fields["line"] = 0.0 // the document's main line
	if cur, ok := doc.ref("currency"); ok {
		l.fields["currency"] = cur
	}
}

func sameRef(r *record, field string, want refValue) bool {
	v, ok := r.ref(field)
	return ok && v.id == want.id
}

// appliedByDoc is what r applies, by document id: a payment's or credit
// memo's invoices, a refund's credits.
func appliedByDoc(r *record) map[string]float64 {
	out := map[string]float64{}
	if r.fields["status"] == voided {
		return out
	}
	for _, l := range r.linesOf("apply") {
		if doc, ok := l.fields["doc"].(refValue); ok && l.fields["apply"] == true {
			amount, _ := l.fields["amount"].(float64)
			out[doc.id] += amount
		}
	}
	return out
}

// appliers are the record types whose apply lines pay invoices.
var appliers = []string{"customerPayment", "creditMemo"}

// settleApplied recomputes every invoice the change touched from all that
// is applied to it now.
func settleApplied(tx *txn, before, after *record) {
	docs := map[string]bool{}
	for _, r := range []*record{before, after} {
		if r != nil {
			for _, l := range r.linesOf("apply") {
				if doc, ok := l.fields["doc"].(refValue); ok {
					docs[doc.id] = true
				}
			}
		}
	}
	if len(docs) == 0 {
		return
	}
	paid := tx.s.appliedToInvoices()
	for id := range docs {
		inv, ok := tx.s.get(recordTypes["invoice"], id)
		if !ok {
			continue
		}
		changed := inv.clone()
		settleInvoice(changed, paid[id])
		tx.s.put(changed) // lastModifiedDate stays: see the comment at the top
	}
}

// appliedToInvoices sums, per invoice id, what every payment and credit
// memo applies to it.
func (s *store) appliedToInvoices() map[string]float64 {
	paid := map[string]float64{}
	for _, name := range appliers {
		for _, r := range s.records[name] {
			for doc, amount := range appliedByDoc(r) {
				paid[doc] += amount
			}
		}
	}
	return paid
}

// invoiceDeletable: NetSuite keeps an invoice that payments or credits are
// applied to (they must be unapplied or deleted first). The message is
// NetSuite's for records with dependents, as seen in the UI (REST wording
// unconfirmed).
func invoiceDeletable(tx *txn, r *record) *apiError {
	if tx.s.appliedToInvoices()[r.id] > 0 {
		return userError("This record cannot be deleted because it has dependent records.")
	}
	return nil
}

// orderDeletable: a sales order that has been billed keeps its invoices' link.
func orderDeletable(tx *txn, r *record) *apiError {
	for _, inv := range tx.s.records["invoice"] {
		if from, ok := inv.ref("createdFrom"); ok && from.id == r.id {
			return userError("This record cannot be deleted because it has dependent records.")
		}
	}
	return nil
}

// Void voids a customer payment, credit memo or refund the way SuiteScript's
// transaction.void does when the preference "Void Transactions Using
// Reversing Journals" is off (O:section_4413165692): the transaction stays,
// with its amounts zeroed, memo VOID and status Voided, and whatever it
// applied goes back onto its invoices. No REST void is documented, so the
// sandbox offers it only here; the user event is an edit from the UI. With
// reversing journals NetSuite would instead post a journal and keep the
// amounts (not emulated). Deleting the transaction moves the invoices back
// too.
func (s *Server) Void(recordType, id string) error {
	rt, ok := lookupType(recordType)
	if !ok || (rt.name != "customerPayment" && rt.name != "creditMemo" && rt.name != "customerRefund") {
		return fmt.Errorf("netsuite sandbox: void: %q is not a customer payment, credit memo or refund", recordType)
	}
	_, aerr := s.commit(uiSource, func(tx *txn) (*record, *record, *apiError) {
		old, ok := tx.s.find(rt, id)
		if !ok {
			return nil, nil, notFound(detailNotFound)
		}
		if tx.s.refundedFrom(old.id) > 0 {
			// The UI's wording for a transaction with dependents; REST's is unconfirmed.
			return nil, nil, userError("This record cannot be voided because it has dependent records.")
		}
		r := old.clone()
		r.fields["status"] = voided
		r.fields["memo"] = "VOID"
		for _, f := range []string{"payment", "total", "applied", "unapplied", "amountRemaining"} {
			if _, ok := r.fields[f]; ok {
				r.fields[f] = 0.0
			}
		}
		for _, l := range r.linesOf("apply") {
			l.fields["apply"], l.fields["amount"] = false, 0.0
		}
		r.modified = tx.now
		return old, r, nil
	})
	if aerr != nil {
		return fmt.Errorf("netsuite sandbox: void %s %s: %w", rt.name, id, aerr)
	}
	return nil
}

// today is the account's current date, as YYYY-MM-DD in UTC.
func (s *store) today() string { return s.clock().UTC().Format(time.DateOnly) }
