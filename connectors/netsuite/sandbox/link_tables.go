package sandbox

import (
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// SuiteQL's NextTransactionLineLink and PreviousTransactionLineLink tables
// link a transaction's lines to the lines of the transactions that follow
// from it (public SuiteQL joins them on previousdoc/previousline and
// nextdoc/nextline and filters linktype; 'OrdBill' links an order to its
// bill, 'Payment' a bill to its payment). The two tables hold the same
// links, each as seen from one end. The sandbox fills:
//   - OrdBill: each invoice item line billed from a sales order line
//     (the invoice's createdFrom, the line's orderLine);
//   - Payment: each invoice a customer payment or credit memo applies to,
//     from the invoice's main line (0) to the apply line; foreignamount is
//     the amount applied. That credit memo applications are also linktype
//     'Payment' is unconfirmed.
//
// foreignamount is in the transaction currency, amount in the base
// currency (foreignamount × the next transaction's exchangerate);
// linkeddate is the next transaction's date.
var linkColumns = []string{"previousdoc", "previousline", "previoustype", "nextdoc", "nextline", "nexttype",
	"linktype", "foreignamount", "amount", "linkeddate"}

// linkTable builds either link table from the current transactions.
func (s *store) linkTable(name string) *suiteql.Table {
	t := &suiteql.Table{Name: name, Columns: linkColumns}
	for _, inv := range s.all(recordTypes["invoice"]) {
		if from, ok := inv.ref("createdFrom"); ok {
			t.Rows = append(t.Rows, s.billingLinks(inv, from)...)
		}
	}
	for _, name := range appliers {
		for _, r := range s.all(recordTypes[strings.ToLower(name)]) {
			t.Rows = append(t.Rows, s.applyLinks(r)...)
		}
	}
	return t
}

// billingLinks are an invoice's OrdBill links to its sales order's lines.
func (s *store) billingLinks(inv *record, order refValue) []map[string]suiteql.Value {
	var rows []map[string]suiteql.Value
	for _, l := range inv.linesOf("item") {
		amount, _ := l.fields["amount"].(float64)
		orderLine, _ := l.fields["orderLine"].(float64)
		rows = append(rows, lineLink(s.cell(order), "SalesOrd", orderLine, inv, float64(l.key), "OrdBill", amount))
	}
	return rows
}

// applyLinks are a payment's or credit memo's Payment links to the
// invoices it applies to.
func (s *store) applyLinks(r *record) []map[string]suiteql.Value {
	if r.fields["status"] == voided {
		return nil
	}
	var rows []map[string]suiteql.Value
	for i, l := range r.linesOf("apply") {
		doc, ok := l.fields["doc"].(refValue)
		amount, _ := l.fields["amount"].(float64)
		if !ok || l.fields["apply"] != true || amount == 0 {
			continue
		}
		rows = append(rows, lineLink(s.cell(doc), "CustInvc", 0, r, float64(i+1), "Payment", amount))
	}
	return rows
}

// lineLink is one row of a link table, from a line of prev to a line of next.
func lineLink(prev suiteql.Value, prevType string, prevLine float64, next *record, nextLine float64,
	linkType string, foreign float64) map[string]suiteql.Value {
	rate := next.number("exchangeRate")
	if rate == 0 {
		rate = 1
	}
	row := map[string]suiteql.Value{"previousdoc": prev, "previousline": prevLine, "previoustype": prevType,
		"nextdoc": suiteql.Ref{ID: next.id, Name: next.typ.refName(next)}, "nextline": nextLine,
		"nexttype": transactionTypes[next.typ.name], "linktype": linkType, "foreignamount": foreign,
		"amount": round2(foreign * rate)}
	if d, err := time.Parse(time.DateOnly, next.string("tranDate")); err == nil {
		row["linkeddate"] = d
	}
	return row
}
