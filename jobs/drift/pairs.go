package drift

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/mapping"
)

// twoWayPair says how to audit one pair kind of accountsync: the NetSuite
// record's fields as SuiteQL columns (the column is the lower-cased field
// name), the lookups its mapping makes of Salesforce, its task types.
type twoWayPair struct {
	name           string
	fields         []string // NetSuite fields read (REST names)
	refs           []string // those of them that are references
	lookup         prefetchSpec
	fromSalesforce string
	fromNetSuite   string
}

var twoWayPairs = []twoWayPair{
	{name: accountsync.PairAccountCustomer,
		fields: []string{"entityId", "companyName", "firstName", "lastName", "phone", "url", "currency", "terms", "salesRep"},
		refs:   []string{"currency", "terms", "salesRep"},
		// OwnerId: the user with the sales rep's email.
		lookup:         prefetchSpec{object: "User", field: "Email", foldCase: true},
		fromSalesforce: jobs.TypeAccountToCustomer, fromNetSuite: jobs.TypeCustomerToAccount},
	{name: accountsync.PairContact,
		fields: []string{"entityId", "firstName", "lastName", "email", "phone", "company"},
		refs:   []string{"company"},
		// AccountId: the account whose NetSuite id is the contact's company.
		lookup:         prefetchSpec{object: "Account", field: "NetSuite_Id__c"},
		fromSalesforce: jobs.TypeContactToNSContact, fromNetSuite: jobs.TypeNSContactToContact},
}

// pairType is one pair kind ready to audit.
type pairType struct {
	twoWayPair
	audit *accountsync.Auditor
}

func newTwoWayPair(def twoWayPair, d Deps) (*pairType, error) {
	readable := func(g accountsync.FieldGroup) bool {
		for _, f := range g.NetSuiteFields {
			if !slices.Contains(def.fields, f) {
				return false
			}
		}
		return true
	}
	rules := d.Rules
	if rules == nil {
		var err error
		if rules, err = accountsync.LoadSyncRules(""); err != nil {
			return nil, err
		}
	}
	a, err := accountsync.NewAuditor(def.name, rules, d.Mappings, d.Redis, func(g accountsync.FieldGroup) bool { return !readable(g) })
	if err != nil {
		return nil, err
	}
	return &pairType{twoWayPair: def, audit: a}, nil
}

func (p *pairType) pairName() string  { return p.name }
func (p *pairType) sfObject() string  { return p.audit.SalesforceObject() }
func (p *pairType) linkField() string { return "NetSuite_Id__c" }

// linkedSOQL reads every linked Salesforce record of the pair, in id order.
func (p *pairType) linkedSOQL() string {
	return p.audit.SOQL("NetSuite_Id__c != null ORDER BY Id")
}

func (p *pairType) healTask(from accountsync.Side, _ netsuite.Row) (taskType, object string) {
	if from == accountsync.SideNetSuite {
		return p.fromNetSuite, p.audit.NetSuiteType()
	}
	return p.fromSalesforce, p.audit.SalesforceObject()
}

func (p *pairType) finder(ctx context.Context, fallback mapping.Finder, sf SalesforceAPI, t twins) mapping.Finder {
	return prefetch(ctx, fallback, sf, p.lookup, lookupValues(p, t))
}

// twins are a page's NetSuite records, by internal id, and the emails of
// their sales reps (the owner's lookup), by employee id.
type twins struct {
	rows   map[string]netsuite.Row
	emails map[string]string
}

// readTwins reads a page's NetSuite twins in one SuiteQL query, and the
// emails of their sales reps in another when the pair has an owner.
func (p *pairType) readTwins(ctx context.Context, ns NetSuiteAPI, page []salesforce.Record) (twins, error) {
	cols := []string{"id", `TO_CHAR(lastmodifieddate, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS modified`}
	for _, f := range p.fields {
		cols = append(cols, strings.ToLower(f))
	}
	t, err := readRows(ctx, ns, p.audit.NetSuiteType(), strings.Join(cols, ", "), p.linkField(), page)
	if err != nil {
		return t, err
	}
	if !slices.Contains(p.fields, "salesRep") {
		return t, nil
	}
	t.emails, err = repEmails(ctx, ns, t.rows)
	return t, err
}

// repEmails are the emails of the sales reps of rows, by employee id.
func repEmails(ctx context.Context, ns NetSuiteAPI, rows map[string]netsuite.Row) (map[string]string, error) {
	reps := map[string]bool{}
	for _, r := range rows {
		if id := r.String("salesrep"); id != "" {
			reps[id] = true
		}
	}
	emails := make(map[string]string, len(reps))
	if len(reps) == 0 {
		return emails, nil
	}
	ids := make([]any, 0, len(reps))
	for _, id := range slices.Sorted(maps.Keys(reps)) {
		ids = append(ids, id)
	}
	err := ns.SuiteQL(ctx, "SELECT id, email FROM employee WHERE id IN ("+placeholders(len(ids))+")", ids, func(r netsuite.Row) error {
		emails[r.String("id")] = r.String("email")
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the emails of %d sales reps: %w", len(ids), err)
	}
	return emails, nil
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// judge maps the NetSuite row into Salesforce's field space, as the flow
// maps the record, and judges the pair.
func (p *pairType) judge(ctx context.Context, sess *mapping.Session, sf salesforce.Record, row netsuite.Row, t twins) (accountsync.Judgement, error) {
	rec := p.record(row)
	vars := map[string]any{}
	for _, name := range p.audit.ToSalesforce().Vars() {
		vars[name] = nil
		if name == "salesRepEmail" {
			if e := t.emails[row.String("salesrep")]; e != "" {
				vars[name] = e
			}
		}
	}
	asSF, err := p.audit.ToSalesforce().Apply(ctx, sess, rec, vars)
	if err != nil {
		return accountsync.Judgement{}, err
	}
	return p.audit.Judge(ctx, sess, sf, rec, asSF, row.String("modified"))
}

// record is a SuiteQL row in the shape the REST record has for the
// fields read: a reference ({"id": …}) for a reference field.
func (p *pairType) record(row netsuite.Row) map[string]any {
	rec := map[string]any{"id": row.String("id")}
	for _, f := range p.fields {
		v, ok := row[strings.ToLower(f)]
		switch {
		case !ok || v == nil || v == "":
		case slices.Contains(p.refs, f):
			rec[f] = map[string]any{"id": row.String(strings.ToLower(f))}
		default:
			rec[f] = v
		}
	}
	return rec
}
