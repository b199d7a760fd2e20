package drift

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/salesorder"
	"github.com/tandem-sync/tandem/mapping"
)

// PairSalesOrder is the pair type of a won opportunity and the sales order
// F1 made of it (SFOPP-<opportunity id>): one way, Salesforce is right.
const PairSalesOrder = "sales_order"

// salesOrderPair audits the header fields F1 writes (its mapping's, not
// the lines), mapping each opportunity with F1's own read and mapping and
// reading a page's orders with one SuiteQL query.
type salesOrderPair struct {
	order, customer *mapping.Mapping
	header          []string
}

func newSalesOrderPair(maps *mapping.Set) (*salesOrderPair, error) {
	order, err := maps.Mapping(salesorder.MappingOrder)
	if err != nil {
		return nil, err
	}
	customer, err := maps.Mapping(salesorder.MappingCustomer)
	if err != nil {
		return nil, err
	}
	return &salesOrderPair{order: order, customer: customer, header: salesorder.HeaderFields(order)}, nil
}

func (p *salesOrderPair) pairName() string  { return PairSalesOrder }
func (p *salesOrderPair) sfObject() string  { return "Opportunity" }
func (p *salesOrderPair) linkField() string { return "NetSuite_Sales_Order_Id__c" }

func (p *salesOrderPair) linkedSOQL() string {
	return salesorder.OpportunitySOQL(p.order, p.customer, "IsWon = true AND NetSuite_Sales_Order_Id__c != null ORDER BY Id")
}

// readTwins reads the header of a page's orders; dates as YYYY-MM-DD
// (SuiteQL prints them in the account's display format otherwise).
func (p *salesOrderPair) readTwins(ctx context.Context, ns NetSuiteAPI, page []salesforce.Record) (twins, error) {
	cols := []string{"id"}
	for _, f := range p.header {
		col := strings.ToLower(f)
		if strings.HasSuffix(f, "Date") {
			col = "TO_CHAR(" + col + ", 'YYYY-MM-DD') AS " + col
		}
		cols = append(cols, col)
	}
	return readRows(ctx, ns, "transaction", strings.Join(cols, ", "), p.linkField(), page)
}

func (p *salesOrderPair) finder(_ context.Context, fallback mapping.Finder, _ SalesforceAPI, _ twins) mapping.Finder {
	return fallback
}

func (p *salesOrderPair) judge(ctx context.Context, sess *mapping.Session, sf salesforce.Record, row netsuite.Row, _ twins) (accountsync.Judgement, error) {
	var j accountsync.Judgement
	want, err := salesorder.MapOrder(ctx, sess, p.order, sf)
	if err != nil {
		return j, err
	}
	for _, f := range p.header {
		v, ok := want[f]
		if ref, isRef := v.(map[string]any); isRef {
			v = ref["id"]
		}
		if !ok || v == nil {
			continue // not written (a currency not in the table): NetSuite's own
		}
		if got := row.String(strings.ToLower(f)); fmt.Sprint(v) != got {
			j.Differences = append(j.Differences, accountsync.FieldDifference{Group: "sales order", Field: f, Salesforce: v,
				NetSuite: got, Right: accountsync.SideSalesforce, Why: "one way: the opportunity is the source (F1)"})
			j.HealFrom = accountsync.SideSalesforce
		}
	}
	return j, nil
}

// healTask is F1's job, as an Outbound Message notification makes it.
func (p *salesOrderPair) healTask(accountsync.Side, netsuite.Row) (taskType, object string) {
	return jobs.TypeOpportunityToSalesOrder, "Opportunity"
}
