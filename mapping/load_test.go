package mapping

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeDir writes mapping files into a fresh directory.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadFlow loads the shipped mappings with one more flow and returns it.
func loadFlow(t *testing.T, flow, content string) *Mapping {
	t.Helper()
	m, err := mustLoad(t, Config{Dir: writeDir(t, map[string]string{flow + ".yaml": content})}).Mapping(flow)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// loadErrors loads a directory and returns its problems, with the
// directory written as DIR.
func loadErrors(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := writeDir(t, files)
	_, err := Load(Config{Dir: dir})
	if err == nil {
		t.Fatal("Load succeeded; want an error")
	}
	var les LoadErrors
	if !errors.As(err, &les) {
		t.Fatalf("error %T is not LoadErrors: %v", err, err)
	}
	return strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "DIR/")
}

func TestShippedMappingsLoad(t *testing.T) {
	set := mustLoad(t, Config{})
	want := []string{"account_to_customer", "contact_to_nscontact", "customer_to_account", "invoice_to_salesforce", "item_to_product", "nscontact_to_contact", "opportunity_to_salesorder", "payment_to_salesforce", "price_to_pricebookentry"}
	if got := strings.Join(set.Flows(), " "); got != strings.Join(want, " ") {
		t.Fatalf("flows = %s, want %s", got, strings.Join(want, " "))
	}
}

// Every start-up error, with its exact message.
func TestLoadErrors(t *testing.T) {
	const so = "opportunity_to_salesorder.yaml"
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"syntax error", map[string]string{so: "fields:\n  memo: Name +\n"},
			"DIR/opportunity_to_salesorder.yaml:2: memo: syntax error: unexpected token EOF (column 6)"},
		{"syntax error on the second line of a block", map[string]string{so: "fields:\n  memo: |\n    text(Name,\n      Id))\n"},
			"DIR/opportunity_to_salesorder.yaml:4: memo: syntax error: unexpected token Bracket(\")\") (column 6)"},
		{"unknown function", map[string]string{so: "fields:\n  memo: roundd(Name)\n"},
			`DIR/opportunity_to_salesorder.yaml:2: memo: unknown function "roundd"`},
		{"unknown function in a sublist line", map[string]string{so: "fields:\n  item.items:\n    fields:\n      custcol_x: |\n        text(Id,\n          foo(1))\n"},
			`DIR/opportunity_to_salesorder.yaml:6: item.items[].custcol_x: unknown function "foo"`},
		{"missing table", map[string]string{so: "fields:\n  currency.id: table(\"currency\", CurrencyIsoCode)\n"},
			`DIR/opportunity_to_salesorder.yaml:2: currency.id: unknown table "currency"`},
		{"table name not written out", map[string]string{so: "fields:\n  currency.id: table(Name, CurrencyIsoCode)\n"},
			`DIR/opportunity_to_salesorder.yaml:2: currency.id: a table's name must be written in quotes, like table("currencies", CurrencyIsoCode)`},
		{"field set twice", map[string]string{so: "fields:\n  memo: Name\n  custbody_a: Id\n  memo: Id\n"},
			"DIR/opportunity_to_salesorder.yaml:4: memo: set twice (first at line 2)"},
		{"field set twice in another case", map[string]string{so: "fields:\n  memo: Name\n  Memo: Id\n"},
			"DIR/opportunity_to_salesorder.yaml:3: Memo: set twice (first at line 2)"},
		{"field set twice through a part of it", map[string]string{so: "fields:\n  currency: Name\n  currency.id: Id\n"},
			"DIR/opportunity_to_salesorder.yaml:3: currency.id: set twice (currency at line 2 writes the same place)"},
		{"unknown var", map[string]string{so: "fields:\n  entity.id: vars.customerID\n"},
			`DIR/opportunity_to_salesorder.yaml:2: entity.id: unknown var "customerID" (declare it under vars)`},
		{"type error", map[string]string{so: "fields:\n  memo: 1 + \"a\"\n"},
			`DIR/opportunity_to_salesorder.yaml:2: memo: invalid operation: + (mismatched types int and string) (column 3)`},
		{"method call", map[string]string{so: "fields:\n  memo: Name.upper()\n"},
			"DIR/opportunity_to_salesorder.yaml:2: memo: only functions can be called, like round(x, 2)"},
		{"$env", map[string]string{so: "fields:\n  memo: $env\n"},
			"DIR/opportunity_to_salesorder.yaml:2: memo: $env is not available in mappings"},
		{"lookup with a computed record type", map[string]string{so: "fields:\n  entity.id: lookup(\"netsuite\", Name, \"externalId\", AccountId)\n"},
			`DIR/opportunity_to_salesorder.yaml:2: entity.id: lookup's system, record type and field must be written in quotes, like lookup("netsuite", "customer", "externalId", AccountId)`},
		{"lookup in an unknown system", map[string]string{so: "fields:\n  entity.id: lookup(\"sap\", \"customer\", \"externalId\", AccountId)\n"},
			`DIR/opportunity_to_salesorder.yaml:2: entity.id: lookup's system must be "netsuite" or "salesforce", not "sap"`},
		{"expr and value", map[string]string{so: "fields:\n  memo:\n    expr: Name\n    value: x\n"},
			"DIR/opportunity_to_salesorder.yaml:3: memo: give expr or value, not both"},
		{"neither expr nor value", map[string]string{so: "fields:\n  memo:\n    required: true\n"},
			"DIR/opportunity_to_salesorder.yaml:3: memo: needs expr or value"},
		{"unknown option", map[string]string{so: "fields:\n  memo:\n    exprr: Name\n"},
			`DIR/opportunity_to_salesorder.yaml:3: memo: unknown option "exprr" (expected expr, value, when, default, required, message, lookup or on_empty)` + "\n" +
				"DIR/opportunity_to_salesorder.yaml:3: memo: needs expr or value"},
		{"bad lookup policy", map[string]string{so: "fields:\n  memo:\n    expr: Name\n    lookup: {on_missing: ignore}\n"},
			`DIR/opportunity_to_salesorder.yaml:4: memo.lookup.on_missing: must be fail, skip, default, not "ignore"`},
		{"default policy without a default", map[string]string{so: "fields:\n  memo:\n    expr: Name\n    lookup: {on_missing: default}\n"},
			"DIR/opportunity_to_salesorder.yaml:3: memo: lookup.on_missing is default but no default is given"},
		{"drop of nothing", map[string]string{so: "fields:\n  custbody_x: ~\n"},
			"DIR/opportunity_to_salesorder.yaml:2: custbody_x: ~ removes a shipped field, but there is no shipped field custbody_x"},
		{"sublist to add to that is not there", map[string]string{so: "fields:\n  lines.items:\n    fields:\n      a: Id\n"},
			"DIR/opportunity_to_salesorder.yaml:2: lines.items: sublist needs from: there is no shipped sublist lines.items to add to"},
		{"override changes the source", map[string]string{so: "source: salesforce.Quote\n"},
			"DIR/opportunity_to_salesorder.yaml:1: source: an override cannot change the source (shipped: salesforce.Opportunity); write a new flow instead"},
		{"new flow without source and target", map[string]string{"invoice_to_sf.yaml": "fields:\n  Name: tranId\n"},
			"DIR/invoice_to_sf.yaml:1: source: missing: say what the flow reads, like salesforce.Opportunity\n" +
				"DIR/invoice_to_sf.yaml:1: target: missing: say what the flow writes, like netsuite.salesOrder"},
		{"bad source", map[string]string{"invoice_to_sf.yaml": "source: netsuite\ntarget: salesforce.Invoice__c\nfields:\n  Name: tranId\n"},
			"DIR/invoice_to_sf.yaml:1: source: must be system.object, like salesforce.Opportunity or netsuite.salesOrder"},
		{"flow name not the file name", map[string]string{so: "flow: salesorder\n"},
			`DIR/opportunity_to_salesorder.yaml:1: flow: flow "salesorder" must match the file name "opportunity_to_salesorder.yaml"`},
		{"unknown top-level key", map[string]string{so: "feilds:\n  memo: Name\n"},
			"DIR/opportunity_to_salesorder.yaml:1: feilds: unknown key (expected flow, source, target, description, vars, let, fields or tables)"},
		{"YAML syntax error", map[string]string{so: "fields:\n  memo: Name\n   tranDate: x\n"},
			"DIR/opportunity_to_salesorder.yaml:3: yaml: mapping values are not allowed in this context"},
		{"expression inside { }", map[string]string{so: "fields:\n  memo: {expr: text(Name, Id), required: true}\n"},
			"DIR/opportunity_to_salesorder.yaml:2: memo: unknown option \"Id)\" (expected expr, value, when, default, required, message, lookup or on_empty; an expression with commas cannot go inside { }: write each option on its own line)\n" +
				"DIR/opportunity_to_salesorder.yaml:2: memo: syntax error: unexpected token EOF (column 9)"},
		{"?? inside { }", map[string]string{so: "fields:\n  memo: {expr: Name ?? Id, required: true}\n"},
			"DIR/opportunity_to_salesorder.yaml:1: yaml: did not find expected ',' or '}' (an expression with commas or ?? cannot go inside { }: write each option on its own line)"},
		{"flow options in a tables file", map[string]string{"tables.yaml": "fields:\n  memo: Name\n"},
			"DIR/tables.yaml:1: fields: only tables and description belong in a tables file"},
		{"reserved let name", map[string]string{so: "let:\n  vars: Name\n"},
			`DIR/opportunity_to_salesorder.yaml:2: let.vars: "vars" cannot be a let name (use letters, digits and _; not vars or record)`},
		{"file ending in .yml", map[string]string{"opportunity_to_salesorder.yml": "fields: {}\n"},
			"DIR/opportunity_to_salesorder.yml:1: file: mapping files end in .yaml"},
		{"file name that is not a flow name", map[string]string{"Opportunity-To-SO.yaml": "fields: {}\n"},
			"DIR/Opportunity-To-SO.yaml:1: file: a flow's file name is lower case letters, digits and _, like opportunity_to_salesorder.yaml"},
		{"every problem, in file and line order", map[string]string{
			"tables.yaml": "tables:\n  regions:\n    US: NA\n    US: EMEA\n",
			so:            "fields:\n  memo: nope(Name)\n  tranDate: table(\"nope\", CloseDate)\n"},
			"DIR/opportunity_to_salesorder.yaml:2: memo: unknown function \"nope\"\n" +
				"DIR/opportunity_to_salesorder.yaml:3: tranDate: unknown table \"nope\"\n" +
				"DIR/tables.yaml:4: tables.regions.US: set twice (first at line 3)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := loadErrors(t, c.files); got != c.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, c.want)
			}
		})
	}
}

// A mapping is compiled once: Apply never parses. A compile error found
// at start-up is never found per record instead.
func TestLoadErrorsNameFileLineField(t *testing.T) {
	dir := writeDir(t, map[string]string{"opportunity_to_salesorder.yaml": "fields:\n  memo: nope(Name)\n"})
	_, err := Load(Config{Dir: dir})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("no *LoadError in %v", err)
	}
	if le.File != filepath.Join(dir, "opportunity_to_salesorder.yaml") || le.Line != 2 || le.Field != "memo" || le.Message != `unknown function "nope"` {
		t.Fatalf("LoadError = %+v", le)
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	_, err := Load(Config{Dir: filepath.Join(t.TempDir(), "nope")})
	if err == nil || !strings.Contains(err.Error(), EnvDir) {
		t.Fatalf("err = %v, want one naming %s", err, EnvDir)
	}
}
