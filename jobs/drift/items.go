package drift

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/catalog"
	"github.com/tandem-sync/tandem/mapping"
)

// PairItemProduct is the pair type of a NetSuite item and its Product2
// (the catalog flow, one way: NetSuite is always right).
const PairItemProduct = "item_product"

// itemPair audits products against their items with the catalog flow's
// own reading, mapping and comparison. Prices (price book entries) are
// not audited.
type itemPair struct {
	toSF   *mapping.Mapping
	fields []string
}

func newItemPair(maps *mapping.Set) (*itemPair, error) {
	m, err := maps.Mapping(catalog.MappingProduct)
	if err != nil {
		return nil, err
	}
	return &itemPair{toSF: m, fields: catalog.ProductFields()}, nil
}

func (p *itemPair) pairName() string  { return PairItemProduct }
func (p *itemPair) sfObject() string  { return "Product2" }
func (p *itemPair) linkField() string { return "NetSuite_Item_Id__c" }

func (p *itemPair) linkedSOQL() string {
	return "SELECT Id, NetSuite_Item_Id__c, " + strings.Join(p.fields, ", ") + " FROM Product2 WHERE NetSuite_Item_Id__c != null ORDER BY Id"
}

func (p *itemPair) readTwins(ctx context.Context, ns NetSuiteAPI, page []salesforce.Record) (twins, error) {
	return readRows(ctx, ns, "item", catalog.ItemColumns, p.linkField(), page)
}

func (p *itemPair) finder(_ context.Context, fallback mapping.Finder, _ SalesforceAPI, _ twins) mapping.Finder {
	return fallback
}

func (p *itemPair) judge(ctx context.Context, sess *mapping.Session, sf salesforce.Record, row netsuite.Row, _ twins) (accountsync.Judgement, error) {
	var j accountsync.Judgement
	want, err := p.toSF.Apply(ctx, sess, catalog.ItemRecord(row), nil)
	if err != nil {
		return j, err
	}
	for _, f := range p.fields {
		if !catalog.SameValue(want[f], sf[f]) {
			j.Differences = append(j.Differences, accountsync.FieldDifference{Group: "product", Field: f, Salesforce: sf[f],
				NetSuite: want[f], Right: accountsync.SideNetSuite, Why: "one way: the item is the source"})
			j.HealFrom = accountsync.SideNetSuite
		}
	}
	return j, nil
}

// itemRecordTypes are the record types (as the webhook and the sweep name
// them) of SuiteQL's itemtype values.
var itemRecordTypes = map[string]string{"InvtPart": "inventoryitem", "NonInvtPart": "noninventoryitem", "Service": "serviceitem"}

func (p *itemPair) healTask(_ accountsync.Side, row netsuite.Row) (taskType, object string) {
	rt, ok := itemRecordTypes[row.String("itemtype")]
	if !ok {
		rt = strings.ToLower(row.String("itemtype"))
	}
	return jobs.TypeCatalogItem, rt
}

// readRows reads the NetSuite twins of a page, by the internal ids its
// records hold in linkField, in one SuiteQL query of table.
func readRows(ctx context.Context, ns NetSuiteAPI, table, columns, linkField string, page []salesforce.Record) (twins, error) {
	t := twins{rows: make(map[string]netsuite.Row, len(page))}
	ids := make([]any, 0, len(page))
	for _, r := range page {
		if id := r.String(linkField); id != "" {
			ids = append(ids, id)
		}
	}
	q := "SELECT " + columns + " FROM " + table + " WHERE id IN (" + placeholders(len(ids)) + ")"
	err := ns.SuiteQL(ctx, q, ids, func(r netsuite.Row) error {
		t.rows[r.String("id")] = r
		return nil
	})
	if err != nil {
		return t, fmt.Errorf("reading a page of %d NetSuite %s records: %w", len(ids), table, err)
	}
	return t, nil
}
