package suiteql

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// testSource is a small account: three customers and four transactions.
func testSource(name string) (*Table, bool) {
	switch name {
	case "customer":
		return &Table{
			Name:    "customer",
			Columns: []string{"id", "companyname", "email", "isinactive", "currency", "balance", "lastmodifieddate"},
			Rows: []map[string]Value{
				{"id": "101", "companyname": "Acme Corp", "email": "ap@acme.example", "isinactive": "F",
					"currency": Ref{ID: "1", Name: "USD"}, "balance": 1200.5, "lastmodifieddate": date("2024-01-15T10:00:00Z")},
				{"id": "102", "companyname": "Globex", "email": nil, "isinactive": "F",
					"currency": Ref{ID: "2", Name: "GBP"}, "balance": 0.0, "lastmodifieddate": date("2024-01-16T09:30:00Z")},
				{"id": "103", "companyname": "Initech", "email": "it@initech.example", "isinactive": "T",
					"currency": Ref{ID: "1", Name: "USD"}, "balance": 35.0, "lastmodifieddate": date("2024-01-14T23:59:59Z")},
			},
			Custom: func(c string) bool { return strings.HasPrefix(c, "custentity") },
		}, true
	case "transaction":
		return &Table{
			Name:    "transaction",
			Columns: []string{"id", "type", "tranid", "entity", "foreigntotal", "status"},
			Rows: []map[string]Value{
				{"id": "5001", "type": "SalesOrd", "tranid": "SO1", "entity": Ref{ID: "101", Name: "Acme Corp"}, "foreigntotal": 100.0},
				{"id": "5002", "type": "SalesOrd", "tranid": "SO2", "entity": Ref{ID: "101", Name: "Acme Corp"}, "foreigntotal": 50.0},
				{"id": "5003", "type": "CustInvc", "tranid": "INV1", "entity": Ref{ID: "102", Name: "Globex"}, "foreigntotal": 75.25,
					"status": Ref{ID: "A", Name: "Invoice : Open", CF: "CustInvc:A"}},
				{"id": "5004", "type": "SalesOrd", "tranid": "SO3", "entity": Ref{ID: "103", Name: "Initech"}, "foreigntotal": 10.0},
			},
		}, true
	case "nexttransactionlinelink": // SO1 billed by INV1 (60) and INV2 (40); SO3 by nothing
		return &Table{
			Name:    "nexttransactionlinelink",
			Columns: []string{"previousdoc", "nextdoc", "linktype", "foreignamount"},
			Rows: []map[string]Value{
				{"previousdoc": Ref{ID: "5001"}, "nextdoc": Ref{ID: "5003"}, "linktype": "OrdBill", "foreignamount": 60.0},
				{"previousdoc": Ref{ID: "5001"}, "nextdoc": Ref{ID: "5005"}, "linktype": "OrdBill", "foreignamount": 40.0},
				{"previousdoc": Ref{ID: "5002"}, "nextdoc": nil, "linktype": "OrdBill", "foreignamount": 5.0},
			},
		}, true
	}
	return nil, false
}

// run parses and runs q, returning the rows as NetSuite's text (NULL as "∅").
func run(t *testing.T, q string, params ...Value) [][]string {
	t.Helper()
	parsed, err := Parse(q)
	if err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	res, err := parsed.Run(testSource, params)
	if err != nil {
		t.Fatalf("Run(%q): %v", q, err)
	}
	var out [][]string
	for _, r := range res.Rows {
		var cells []string
		for _, v := range r {
			s, ok := Text(v)
			if !ok {
				s = "∅"
			}
			cells = append(cells, s)
		}
		out = append(out, cells)
	}
	return out
}

func flat(rows [][]string) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, strings.Join(r, ","))
	}
	return strings.Join(parts, ";")
}

func TestQueries(t *testing.T) {
	tests := []struct {
		name, q string
		params  []Value
		want    string
	}{
		{"all columns of a filter", "SELECT id, companyname FROM customer WHERE id = '102'", nil, "102,Globex"},
		{"number compares with text id", "SELECT id FROM customer WHERE id = 103", nil, "103"},
		{"not equal both spellings", "SELECT id FROM customer WHERE id <> '101' AND id != '103'", nil, "102"},
		{"ordering and desc", "SELECT id FROM customer ORDER BY balance DESC", nil, "101;103;102"},
		{"range", "SELECT id FROM customer WHERE balance > 0 AND balance <= 35 ORDER BY id", nil, "103"},
		{"like is case sensitive", "SELECT id FROM customer WHERE companyname LIKE 'Ac%'", nil, "101"},
		{"like misses other case", "SELECT id FROM customer WHERE companyname LIKE 'ac%'", nil, ""},
		{"upper for case-insensitive like", "SELECT id FROM customer WHERE UPPER(companyname) LIKE '%OB%'", nil, "102"},
		{"underscore wildcard", "SELECT id FROM customer WHERE companyname LIKE 'Glob_x'", nil, "102"},
		{"not like", "SELECT id FROM customer WHERE companyname NOT LIKE 'G%' ORDER BY id", nil, "101;103"},
		{"in list", "SELECT id FROM customer WHERE id IN ('101', '103') ORDER BY id", nil, "101;103"},
		{"not in", "SELECT id FROM customer WHERE id NOT IN ('101', '103')", nil, "102"},
		{"is null", "SELECT id FROM customer WHERE email IS NULL", nil, "102"},
		{"is not null", "SELECT id FROM customer WHERE email IS NOT NULL ORDER BY id", nil, "101;103"},
		{"null never equals", "SELECT id FROM customer WHERE email = NULL", nil, ""},
		{"not of unknown is unknown", "SELECT id FROM customer WHERE NOT (email = 'x') ORDER BY id", nil, "101;103"},
		{"or with parentheses", "SELECT id FROM customer WHERE (id = '101' OR id = '102') AND isinactive = 'F' ORDER BY id", nil, "101;102"},
		{"booleans are T/F", "SELECT id FROM customer WHERE isinactive = 'T'", nil, "103"},
		{"bound params", "SELECT id FROM customer WHERE id BETWEEN ? AND ? ORDER BY id", []Value{"101", "102"}, "101;102"},
		{"bool param", "SELECT id FROM customer WHERE isinactive = ?", []Value{ParamValue(true)}, "103"},
		{"not between", "SELECT id FROM customer WHERE balance NOT BETWEEN 1 AND 100 ORDER BY id", nil, "101;102"},
		{"reference compares by id", "SELECT id FROM customer WHERE currency = 2", nil, "102"},
		{"BUILTIN.DF shows the name", "SELECT BUILTIN.DF(currency) AS cur FROM customer WHERE id = '102'", nil, "GBP"},
		{"reference prints its id", "SELECT currency FROM customer WHERE id = '102'", nil, "2"},
		{"numbers print plainly", "SELECT balance FROM customer ORDER BY id", nil, "1200.5;0;35"},
		{"null prints absent", "SELECT email FROM customer WHERE id = '102'", nil, "∅"},
		{"dates print in account format", "SELECT lastmodifieddate FROM customer WHERE id = '101'", nil, "1/15/2024"},
		{"watermark pattern",
			"SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm FROM customer " +
				"WHERE lastmodifieddate >= TO_TIMESTAMP('2024-01-15 00:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id",
			nil, "101,2024-01-15 10:00:00;102,2024-01-16 09:30:00"},
		{"iso format with quoted T", "SELECT TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM customer WHERE id = '103'",
			nil, "2024-01-14T23:59:59Z"},
		{"implicit date text", "SELECT id FROM customer WHERE lastmodifieddate < '1/15/2024'", nil, "103"},
		{"to_date", "SELECT id FROM customer WHERE lastmodifieddate > TO_DATE('2024-01-16', 'YYYY-MM-DD')", nil, "102"},
		{"count star", "SELECT COUNT(*) AS count FROM customer", nil, "3"},
		{"count of empty set", "SELECT COUNT(*) FROM customer WHERE id = 'none'", nil, "0"},
		{"count column skips null", "SELECT COUNT(email) FROM customer", nil, "2"},
		{"group by", "SELECT entity, COUNT(*) AS n, SUM(foreigntotal) AS total FROM transaction WHERE type = 'SalesOrd' GROUP BY entity ORDER BY entity",
			nil, "101,2,150;103,1,10"},
		{"order by aggregate alias", "SELECT entity, SUM(foreigntotal) AS total FROM transaction GROUP BY entity ORDER BY total DESC",
			nil, "101,150;102,75.25;103,10"},
		{"min max", "SELECT MIN(foreigntotal), MAX(foreigntotal) FROM transaction", nil, "10,100"},
		{"distinct", "SELECT DISTINCT type FROM transaction ORDER BY type", nil, "CustInvc;SalesOrd"},
		{"order by position", "SELECT tranid, foreigntotal FROM transaction ORDER BY 2", nil, "SO3,10;SO2,50;INV1,75.25;SO1,100"},
		{"status prints its letter", "SELECT status FROM transaction WHERE id = '5003'", nil, "A"},
		{"status matches its compound id", "SELECT id FROM transaction WHERE status IN ('CustInvc:A', 'CustInvc:B')", nil, "5003"},
		{"status matches its letter", "SELECT id FROM transaction WHERE status = 'A'", nil, "5003"},
		{"BUILTIN.CF shows the compound id", "SELECT BUILTIN.CF(status) FROM transaction WHERE BUILTIN.CF(status) = 'CustInvc:A'", nil, "CustInvc:A"},
		{"BUILTIN.DF shows the status label", "SELECT BUILTIN.DF(status) FROM transaction WHERE id = '5003'", nil, "Invoice : Open"},
		{"alias and qualifier", "SELECT t.tranid AS num FROM transaction t WHERE t.type = 'CustInvc'", nil, "INV1"},
		{"arithmetic", "SELECT foreigntotal * 2 + 1 FROM transaction WHERE id = 5003", nil, "151.5"},
		{"concatenation", "SELECT tranid || '-' || type FROM transaction WHERE id = 5001", nil, "SO1-SalesOrd"},
		{"nvl", "SELECT NVL(email, 'none') FROM customer WHERE id = '102'", nil, "none"},
		{"custom field reads null", "SELECT custentity_tier FROM customer WHERE id = '101'", nil, "∅"},
		{"star", "SELECT * FROM transaction WHERE id = '5004'", nil, "5004,SalesOrd,SO3,103,10,∅"},
		{"comment and case", "select ID from CUSTOMER -- trailing comment\n where ID = '101'", nil, "101"},
		{"nulls first", "SELECT id FROM customer ORDER BY email NULLS FIRST, id", nil, "102;101;103"},
		{"in list of many ids", "SELECT id FROM customer WHERE id IN (?, ?, 'x') ORDER BY id", []Value{"103", "101"}, "101;103"},
		{"in list of text matches a reference", "SELECT id FROM transaction WHERE entity IN ('101') ORDER BY id", nil, "5001;5002"},
		{"searched case", "SELECT id, CASE WHEN balance > 100 THEN 'big' WHEN balance > 0 THEN 'small' ELSE 'none' END AS size " +
			"FROM customer ORDER BY id", nil, "101,big;102,none;103,small"},
		{"case without else is null", "SELECT CASE WHEN balance > 100 THEN 'big' END FROM customer ORDER BY id", nil, "big;∅;∅"},
		{"simple case", "SELECT CASE type WHEN 'SalesOrd' THEN 'order' WHEN 'CustInvc' THEN 'invoice' END FROM transaction ORDER BY id",
			nil, "order;order;invoice;order"},
		{"sum of case pivots", "SELECT SUM(CASE WHEN type = 'SalesOrd' THEN foreigntotal ELSE 0 END) AS ordered, " +
			"SUM(CASE WHEN type = 'CustInvc' THEN foreigntotal ELSE 0 END) AS billed, MAX(CASE WHEN type = 'CustInvc' THEN tranid END) " +
			"FROM transaction", nil, "160,75.25,INV1"},
		{"case over an aggregate", "SELECT entity, CASE WHEN COUNT(*) > 1 THEN 'many' ELSE 'one' END FROM transaction GROUP BY entity ORDER BY entity",
			nil, "101,many;102,one;103,one"},
		{"text equals a number column", "SELECT id FROM customer WHERE balance = '35'", nil, "103"},
		{"text in a number column", "SELECT id FROM customer WHERE balance IN ('35', '0') ORDER BY id", nil, "102;103"},
		{"numbers in a number column", "SELECT id FROM customer WHERE balance IN (35, 0, ?) ORDER BY id", []Value{1200.5}, "101;102;103"},
		{"numbers in a text column", "SELECT id FROM customer WHERE id IN (101, 103) ORDER BY id", nil, "101;103"},
		{"number equals a text column", "SELECT tranid FROM transaction WHERE id = 5003 AND type = 'CustInvc'", nil, "INV1"},
		{"coalesce", "SELECT COALESCE(email, NULL, 'none') FROM customer WHERE id = '102'", nil, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := flat(run(t, tt.q, tt.params...)); got != tt.want {
				t.Errorf("%s\n got %q\nwant %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestJoins(t *testing.T) {
	tests := []struct {
		name, q string
		want    string
	}{
		{"inner join", "SELECT c.companyname, t.tranid FROM customer c INNER JOIN transaction t ON t.entity = c.id ORDER BY t.id",
			"Acme Corp,SO1;Acme Corp,SO2;Globex,INV1;Initech,SO3"},
		{"join is inner", "SELECT c.id, t.tranid FROM transaction t JOIN customer c ON c.id = t.entity AND c.isinactive = 'F' ORDER BY t.id",
			"101,SO1;101,SO2;102,INV1"},
		{"unqualified columns found in their only table", "SELECT companyname, tranid FROM customer c JOIN transaction t ON entity = c.id " +
			"WHERE balance > 100 ORDER BY tranid", "Acme Corp,SO1;Acme Corp,SO2"},
		{"left join keeps the unmatched", "SELECT t.tranid, l.nextdoc, l.foreignamount FROM transaction t " +
			"LEFT OUTER JOIN nexttransactionlinelink l ON l.previousdoc = t.id WHERE t.type = 'SalesOrd' ORDER BY t.id, l.nextdoc",
			"SO1,5003,60;SO1,5005,40;SO2,∅,5;SO3,∅,∅"},
		{"left join with a condition on the joined table", "SELECT t.tranid, l.foreignamount FROM transaction t " +
			"LEFT JOIN nexttransactionlinelink l ON l.previousdoc = t.id AND l.foreignamount > 50 WHERE t.type = 'SalesOrd' ORDER BY t.id",
			"SO1,60;SO2,∅;SO3,∅"},
		{"where on the optional side filters after the join", "SELECT t.tranid FROM transaction t " +
			"LEFT JOIN nexttransactionlinelink l ON l.previousdoc = t.id WHERE l.previousdoc IS NULL ORDER BY t.id", "INV1;SO3"},
		{"aggregate per order", "SELECT t.tranid, t.foreigntotal, COUNT(l.nextdoc) AS bills, NVL(SUM(l.foreignamount), 0) AS billed " +
			"FROM transaction t LEFT JOIN nexttransactionlinelink l ON l.previousdoc = t.id WHERE t.type = 'SalesOrd' " +
			"GROUP BY t.tranid, t.foreigntotal ORDER BY t.tranid", "SO1,100,2,100;SO2,50,0,5;SO3,10,0,0"},
		{"three tables", "SELECT c.companyname, i.tranid, l.foreignamount FROM customer c JOIN transaction o ON o.entity = c.id " +
			"JOIN nexttransactionlinelink l ON l.previousdoc = o.id JOIN transaction i ON i.id = l.nextdoc ORDER BY i.id",
			"Acme Corp,INV1,60"},
		{"table names as qualifiers", "SELECT transaction.tranid, nexttransactionlinelink.foreignamount FROM transaction " +
			"INNER JOIN nexttransactionlinelink ON nexttransactionlinelink.previousdoc = transaction.id " +
			"ORDER BY transaction.id, nexttransactionlinelink.foreignamount", "SO1,40;SO1,60;SO2,5"},
		{"join on an expression", "SELECT c.id, t.tranid FROM customer c JOIN transaction t ON 'x' || t.entity = 'x' || c.id " +
			"WHERE t.type = 'SalesOrd' ORDER BY t.id", "101,SO1;101,SO2;103,SO3"},
		{"qualified star", "SELECT l.*, t.tranid FROM transaction t JOIN nexttransactionlinelink l ON l.previousdoc = t.id " +
			"WHERE l.nextdoc = '5003'", "5001,5003,OrdBill,60,SO1"},
		{"join without an equality", "SELECT c.id, t.id FROM customer c JOIN transaction t ON t.foreigntotal > c.balance AND c.id <> '101' " +
			"ORDER BY c.id, t.id", "102,5001;102,5002;102,5003;102,5004;103,5001;103,5002;103,5003"},
		{"case over joined rows", "SELECT SUM(CASE WHEN l.nextdoc IS NULL THEN 0 ELSE l.foreignamount END) FROM transaction t " +
			"JOIN nexttransactionlinelink l ON t.id = l.previousdoc", "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := flat(run(t, tt.q)); got != tt.want {
				t.Errorf("%s\n got %q\nwant %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestOutputColumnNames(t *testing.T) {
	q, err := Parse("SELECT id, c.companyname, UPPER(email), COUNT(*) AS Count, balance b FROM customer c GROUP BY id, c.companyname, email, balance")
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(testSource, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "id,companyname,expr1,count,b"
	if got := strings.Join(res.Columns, ","); got != want {
		t.Errorf("columns %q, want %q", got, want)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, q    string
		params     []Value
		wantDetail string
	}{
		{"unknown table", "SELECT id FROM nosuchtable", nil, "Invalid search type: nosuchtable."},
		{"unknown column", "SELECT not_existing_field FROM customer", nil,
			"Search error occurred: Unknown identifier 'not_existing_field'. Available identifiers are: {customer=customer}."},
		{"unknown column with alias", "SELECT c.nope FROM customer c", nil,
			"Search error occurred: Unknown identifier 'c.nope'. Available identifiers are: {c=customer}."},
		{"table name after alias", "SELECT customer.id FROM customer c", nil,
			"Search error occurred: Unknown identifier 'customer.id'. Available identifiers are: {c=customer}."},
		{"syntax", "SELECT FROM customer", nil, unsupportedSearch},
		{"trailing junk", "SELECT id FROM customer WHERE id = 1 LIMIT 5", nil, unsupportedSearch},
		{"ambiguous column", "SELECT id FROM customer c JOIN transaction t ON t.entity = c.id", nil, unsupportedSearch},
		{"unknown column in a join", "SELECT t.nope FROM customer c JOIN transaction t ON t.entity = c.id", nil,
			"Search error occurred: Unknown identifier 't.nope'. Available identifiers are: {c=customer, t=transaction}."},
		{"right join unsupported", "SELECT c.id FROM customer c RIGHT JOIN transaction t ON t.entity = c.id", nil, unsupportedSearch},
		{"non-ANSI join unsupported", "SELECT c.id FROM customer c, transaction t WHERE t.entity = c.id", nil, unsupportedSearch},
		{"join without on", "SELECT c.id FROM customer c JOIN transaction t", nil, unsupportedSearch},
		{"on reads a later table", "SELECT c.id FROM customer c JOIN transaction t ON t.entity = l.previousdoc " +
			"JOIN nexttransactionlinelink l ON l.previousdoc = t.id", nil, unsupportedSearch},
		{"case without end", "SELECT CASE WHEN id = 1 THEN 2 FROM customer", nil, unsupportedSearch},
		{"aggregate in on", "SELECT c.id FROM customer c JOIN transaction t ON COUNT(*) = 1", nil, unsupportedSearch},
		{"unterminated string", "SELECT id FROM customer WHERE id = 'x", nil, unsupportedSearch},
		{"missing params", "SELECT id FROM customer WHERE id = ?", nil, unsupportedSearch},
		{"unknown function", "SELECT FOO(id) FROM customer", nil, unsupportedSearch},
		{"bad date format", "SELECT id FROM customer WHERE lastmodifieddate > TO_DATE('15.01.2024', 'YYYY-MM-DD')", nil, unsupportedSearch},
		{"aggregate in where", "SELECT id FROM customer WHERE COUNT(*) > 1", nil, unsupportedSearch},
		{"text is not a number", "SELECT id FROM customer WHERE balance > 'abc'", nil, unsupportedSearch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.q)
			if err == nil {
				_, err = q.Run(testSource, tt.params)
			}
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("%s: err = %v, want *Error", tt.q, err)
			}
			if qe.Detail != tt.wantDetail {
				t.Errorf("detail %q, want %q", qe.Detail, tt.wantDetail)
			}
			if !strings.HasPrefix(qe.Error(), DetailPrefix) {
				t.Errorf("Error() = %q lacks NetSuite's prefix", qe.Error())
			}
		})
	}
}

func TestInListLimit(t *testing.T) {
	list := func(n int) string { return strings.TrimSuffix(strings.Repeat("'x', ", n), ", ") }
	if _, err := Parse("SELECT id FROM customer WHERE id IN (" + list(MaxInList) + ")"); err != nil {
		t.Errorf("%d items: %v", MaxInList, err)
	}
	_, err := Parse("SELECT id FROM customer WHERE id IN (" + list(MaxInList+1) + ")")
	var qe *Error
	if !errors.As(err, &qe) || !strings.Contains(qe.Reason, "ORA-01795") {
		t.Errorf("%d items: %v, want ORA-01795", MaxInList+1, err)
	}
}

func TestDeepNestingIsRefused(t *testing.T) {
	q := "SELECT id FROM customer WHERE " + strings.Repeat("(", 5000) + "1=1" + strings.Repeat(")", 5000)
	if _, err := Parse(q); err == nil {
		t.Fatal("5000 nested parentheses parsed; want a depth error")
	}
}

func TestDateFormatRoundTrip(t *testing.T) {
	tm := date("2024-03-05T07:08:09Z")
	for _, model := range []string{"YYYY-MM-DD HH24:MI:SS", "MM/DD/YYYY HH:MI:SS AM", `YYYY-MM-DD"T"HH24:MI:SS"Z"`, "DD.MM.YY"} {
		s, err := formatTime(tm, model)
		if err != nil {
			t.Fatalf("format %q: %v", model, err)
		}
		back, err := parseTime(s, model)
		if err != nil {
			t.Fatalf("parse %q by %q: %v", s, model, err)
		}
		want := tm
		if model == "DD.MM.YY" {
			want = date("2024-03-05T00:00:00Z")
		}
		if !back.Equal(want) {
			t.Errorf("%q: %q read back as %v, want %v", model, s, back, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"SELECT id, companyname FROM customer WHERE id = '102'",
		"SELECT email, COUNT(*) as count FROM transaction GROUP BY email",
		"SELECT * FROM item WHERE id BETWEEN ? AND ?",
		"SELECT t.id FROM transaction t WHERE t.type IN ('SalesOrd','CustInvc') AND NOT t.id IS NULL ORDER BY 1 DESC NULLS LAST",
		"SELECT TO_CHAR(lastmodifieddate,'YYYY-MM-DD HH24:MI:SS') FROM customer WHERE UPPER(email) LIKE '%A_%'",
		"select -(-1) || 'x' from customer c where (((c.id)))=1",
		"SELECT c.*, SUM(CASE WHEN t.type = 'SalesOrd' THEN t.foreigntotal ELSE 0 END) FROM customer c LEFT JOIN transaction t ON t.entity = c.id GROUP BY c.id",
		"SELECT CASE t.type WHEN 'x' THEN 1 END FROM transaction t JOIN nexttransactionlinelink l ON l.previousdoc = t.id AND l.foreignamount > 1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q) returned %T, want *Error", src, err)
			}
			return
		}
		params := make([]Value, q.Params)
		for i := range params {
			params[i] = "1"
		}
		if _, err := q.Run(testSource, params); err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Run(%q) returned %T, want *Error", src, err)
			}
		}
	})
}
