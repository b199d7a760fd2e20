package sandbox

import (
	"strconv"

	"github.com/tandem-sync/tandem/connectors/netsuite/sandbox/suiteql"
)

// transactionTableTypes are the record types the transaction and
// transactionline tables unite.
var transactionTableTypes = []string{"salesOrder", "invoice", "customerPayment", "creditMemo", "customerRefund"}

// statusLabels are what BUILTIN.DF shows before a status name, e.g.
// "Invoice : Open" (the "<type> : <status>" form of public query output;
// unconfirmed for every type).
var statusLabels = map[string]string{"salesOrder": "Sales Order", "invoice": "Invoice",
	"customerPayment": "Customer Payment", "creditMemo": "Credit Memo", "customerRefund": "Customer Refund"}

// statusColumn is transaction.status: the status letter (a sales order's
// orderStatus), matching its compound id CustInvc:A too and shown that
// way by BUILTIN.CF (netsuite.md §10: the raw column's form is unconfirmed,
// so both are accepted).
var statusColumn = column{"status", func(_ *store, r *record) suiteql.Value {
	name := "status"
	if r.typ.name == "salesOrder" {
		name = "orderStatus"
	}
	v, ok := r.fields[name].(enumValue)
	if !ok {
		return nil
	}
	f, _ := r.typ.fields.lookup(name)
	return suiteql.Ref{ID: string(v), Name: statusLabels[r.typ.name] + " : " + enumName(f, string(v)),
		CF: transactionTypes[r.typ.name] + ":" + string(v)}
}}

// transactionLineColumns are the columns of SuiteQL's transactionline
// table the sandbox fills (netsuite.md §10, from a real account's schema
// dump): one mainline row per transaction (id 0, mainline 'T', the
// transaction's total, entity and createdfrom), then a row per item line.
// Item lines of sales orders and invoices are credits to income, so their
// quantity and amounts are negative, as public SuiteQL negates them
// (-transactionline.quantity); credit memo lines are positive. The signs
// are unconfirmed against Oracle's text.
var transactionLineColumns = []string{"transaction", "id", "linesequencenumber", "uniquekey", "mainline", "taxline",
	"item", "quantity", "rate", "netamount", "foreignamount", "memo", "entity", "createdfrom", "isclosed",
	"linecreateddate", "linelastmodifieddate"}

// transactionLineTable builds transactionline from the current transactions.
func (s *store) transactionLineTable() *suiteql.Table {
	t := &suiteql.Table{Name: "transactionline", Columns: transactionLineColumns}
	for _, typeName := range transactionTableTypes {
		rt, _ := lookupType(typeName)
		for _, r := range s.all(rt) {
			t.Rows = append(t.Rows, s.transactionLines(r)...)
		}
	}
	return t
}

func (s *store) transactionLines(r *record) []map[string]suiteql.Value {
	tran := suiteql.Ref{ID: r.id, Name: r.typ.refName(r)}
	entity := s.cell(orDefault(r.fields["entity"], r.fields["customer"]))
	createdFrom := s.cell(r.fields["createdFrom"])
	total := r.number("total")
	main := map[string]suiteql.Value{"transaction": tran, "id": 0.0, "linesequencenumber": 0.0,
		"uniquekey": uniqueKey(r.id, 0), "mainline": "T", "taxline": "F", "foreignamount": total, "netamount": total,
		"memo": s.cell(r.fields["memo"]), "entity": entity, "createdfrom": createdFrom, "isclosed": "F",
		"linecreateddate": r.created, "linelastmodifieddate": r.modified}
	rows := []map[string]suiteql.Value{dropNulls(main)}
	sign := -1.0
	if r.typ.name == "creditMemo" {
		sign = 1
	}
	for i, l := range r.linesOf("item") {
		quantity, _ := l.fields["quantity"].(float64)
		amount, _ := l.fields["amount"].(float64)
		row := map[string]suiteql.Value{"transaction": tran, "id": float64(l.key), "linesequencenumber": float64(i + 1),
			"uniquekey": uniqueKey(r.id, l.key), "mainline": "F", "taxline": "F", "item": s.cell(l.fields["item"]),
			"quantity": sign * quantity, "rate": s.cell(l.fields["rate"]), "netamount": sign * amount,
			"foreignamount": sign * amount, "memo": s.cell(l.fields["description"]), "entity": entity,
			"createdfrom": createdFrom, "isclosed": s.cell(l.fields["isClosed"]),
			"linecreateddate": r.created, "linelastmodifieddate": r.modified}
		rows = append(rows, dropNulls(row))
	}
	return rows
}

// uniqueKey numbers a line uniquely across transactions.
func uniqueKey(tranID string, line int) suiteql.Value {
	n, _ := strconv.Atoi(tranID)
	return float64(n*1000 + line)
}

func dropNulls(row map[string]suiteql.Value) map[string]suiteql.Value {
	for k, v := range row {
		if v == nil {
			delete(row, k)
		}
	}
	return row
}
