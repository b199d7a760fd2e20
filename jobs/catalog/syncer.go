package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/mapping"
)

// Mapping names (files under mapping/defaults).
const (
	MappingProduct = "item_to_product"
	MappingEntry   = "price_to_pricebookentry"
)

// BatchSize is the items of one batch: one SuiteQL page.
const BatchSize = netsuite.MaxSuiteQLPage

// Salesforce is what the catalog needs of Salesforce; *salesforce.Client
// implements it. Writes go through sObject Collections (UpsertCollection,
// UpdateCollection), or Bulk API 2.0 (NewBulkLoad) for a load above
// Config.BulkThreshold.
type Salesforce interface {
	Query(ctx context.Context, soql string) ([]salesforce.Record, error)
	Create(ctx context.Context, object string, fields map[string]any) (string, error)
	UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, allOrNone bool) ([]salesforce.UpsertResult, error)
	UpdateCollection(ctx context.Context, object string, records []map[string]any) ([]salesforce.UpsertResult, error)
	NewBulkLoad(object, extField string) (*salesforce.BulkLoad, error)
}

// NetSuite is what the catalog needs of NetSuite; *netsuite.Client implements it.
type NetSuite interface {
	SuiteQL(ctx context.Context, query string, params []any, fn func(netsuite.Row) error) error
}

// Config is what the catalog syncs.
type Config struct {
	ItemTypes   []string // NetSuite itemType ids, e.g. InvtPart, NonInvtPart, Service
	PriceLevels []string // NetSuite price level ids; each is the price book table price_books names
	Currencies  []string // ISO codes an entry is kept in (ignored when SingleCurrency)
	// SingleCurrency is for orgs without multi-currency: entries carry no
	// CurrencyIsoCode and the first of Currencies is the org's currency.
	SingleCurrency bool
	// BulkThreshold: the upserts of one step (products, standard entries,
	// custom entries) above this many records go through one Bulk API 2.0
	// load, not Collections calls; a sync then plans every batch before
	// it writes (the loads spooled on disk) to make its jobs few.
	// 0 = Collections only, a batch written as it is planned.
	BulkThreshold int
	// MaxRetry is the retries of an item change a batch sends on alone
	// (TANDEM_MAX_RETRY).
	MaxRetry int
}

var (
	itemTypePattern = regexp.MustCompile(`^[A-Za-z]+$`)
	idPattern       = regexp.MustCompile(`^[0-9]+$`) // put into SuiteQL as they are
)

// Syncer writes NetSuite items and prices to Salesforce.
type Syncer struct {
	sf       Salesforce
	ns       NetSuite
	product  *mapping.Mapping
	entry    *mapping.Mapping
	cfg      Config
	books    []book // the standard book first
	currency []currency
	log      *slog.Logger
}

type book struct {
	level, name, id string
	standard        bool
}

type currency struct{ iso, nsID string }

// NewSyncer checks the configuration against the mappings' tables and
// finds (or creates) the price books in Salesforce.
func NewSyncer(ctx context.Context, sf Salesforce, ns NetSuite, maps *mapping.Set, cfg Config, log *slog.Logger) (*Syncer, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &Syncer{sf: sf, ns: ns, cfg: cfg, log: log}
	var err error
	if s.product, err = maps.Mapping(MappingProduct); err != nil {
		return nil, err
	}
	if s.entry, err = maps.Mapping(MappingEntry); err != nil {
		return nil, err
	}
	if s.currency, err = checkConfig(maps, cfg); err != nil {
		return nil, err
	}
	if cfg.SingleCurrency {
		s.currency = s.currency[:1]
	}
	if err := s.findBooks(ctx, maps); err != nil {
		return nil, err
	}
	return s, nil
}

// CheckConfig checks the configuration against the mappings' tables,
// without asking Salesforce: the worker calls it at start-up.
func CheckConfig(maps *mapping.Set, cfg Config) error {
	_, err := checkConfig(maps, cfg)
	return err
}

// checkConfig checks cfg and returns its currencies.
func checkConfig(maps *mapping.Set, cfg Config) ([]currency, error) {
	if len(cfg.ItemTypes) == 0 || len(cfg.PriceLevels) == 0 || len(cfg.Currencies) == 0 {
		return nil, errors.New("catalog: item types, price levels and currencies must each name at least one")
	}
	for _, t := range cfg.ItemTypes {
		if !itemTypePattern.MatchString(t) {
			return nil, fmt.Errorf("catalog: item type %q is not an itemType id like InvtPart", t)
		}
	}
	for _, level := range cfg.PriceLevels {
		if !idPattern.MatchString(level) {
			return nil, fmt.Errorf("catalog: price level %q is not a NetSuite internal id like 1", level)
		}
		if _, ok := maps.TableValue("price_books", level); !ok {
			return nil, fmt.Errorf("catalog: price level %s has no price book in the price_books table", level)
		}
	}
	var out []currency
	for _, iso := range cfg.Currencies {
		id, ok := maps.TableValue("currencies", iso)
		if !ok {
			return nil, fmt.Errorf("catalog: currency %s is not in the currencies table", iso)
		}
		if !idPattern.MatchString(fmt.Sprint(id)) {
			return nil, fmt.Errorf("catalog: currency %s maps to %v in the currencies table, not a NetSuite internal id", iso, id)
		}
		out = append(out, currency{iso: iso, nsID: fmt.Sprint(id)})
	}
	return out, nil
}

// findBooks resolves each price level's book by name; a custom book
// that does not exist yet is created (active).
func (s *Syncer) findBooks(ctx context.Context, maps *mapping.Set) error {
	rows, err := s.sf.Query(ctx, "SELECT Id, Name, IsStandard FROM Pricebook2")
	if err != nil {
		return fmt.Errorf("catalog: reading price books: %w", err)
	}
	for _, level := range s.cfg.PriceLevels {
		v, ok := maps.TableValue("price_books", level)
		if !ok {
			return fmt.Errorf("catalog: price level %s has no price book in the price_books table", level)
		}
		b := book{level: level, name: fmt.Sprint(v)}
		for _, r := range rows {
			if strings.EqualFold(r.String("Name"), b.name) {
				b.id, b.standard = r.String("Id"), r.String("IsStandard") == "true"
			}
		}
		if b.id == "" {
			id, err := s.sf.Create(ctx, "Pricebook2", map[string]any{"Name": b.name, "IsActive": true,
				"Description": "NetSuite price level " + level + " (Tandem)"})
			if err != nil {
				return fmt.Errorf("catalog: creating price book %q: %w", b.name, err)
			}
			b.id = id
		}
		s.books = append(s.books, b)
	}
	slices.SortStableFunc(s.books, func(a, b book) int {
		if a.standard == b.standard {
			return 0
		}
		if a.standard {
			return -1
		}
		return 1
	})
	if !s.books[0].standard {
		return errors.New("catalog: no configured price level maps to the standard price book (price_books table); Salesforce needs a standard price before any other")
	}
	return nil
}

// Summary is what a sync did: records by outcome and the calls it took.
type Summary struct {
	Items            int
	Created          int
	Updated          int
	Deactivated      int
	Unchanged        int
	Failed           int
	SalesforceCalls  int // a Bulk API 2.0 job counts as one
	SalesforceWrites int // of SalesforceCalls, the write calls
	NetSuiteCalls    int
	Failures         []Failure
}

// Failure is one record Salesforce refused.
type Failure struct {
	Item   string // NetSuite item id
	Object string
	Key    string
	Err    error
}

func (s *Summary) add(o Summary) {
	s.Items += o.Items
	s.Created += o.Created
	s.Updated += o.Updated
	s.Deactivated += o.Deactivated
	s.Unchanged += o.Unchanged
	s.Failed += o.Failed
	s.SalesforceCalls += o.SalesforceCalls
	s.SalesforceWrites += o.SalesforceWrites
	s.NetSuiteCalls += o.NetSuiteCalls
	s.Failures = append(s.Failures, o.Failures...)
}

// Err joins the failures, nil when none.
func (s *Summary) Err() error {
	errs := make([]error, len(s.Failures))
	for i, f := range s.Failures {
		errs[i] = fmt.Errorf("item %s: %s %s: %w", f.Item, f.Object, f.Key, f.Err)
	}
	return errors.Join(errs...)
}

// Scope says which items a sync reads.
type Scope struct {
	ItemID        string   // one item
	ItemIDs       []string // these items (at most BatchSize: one IN list)
	ModifiedSince string   // items modified at or after this time (RFC 3339, UTC); "" = all
}

// Progress is told after each batch: items done so far.
type Progress func(items int)

const timestampFormat = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`

// Run syncs the items in scope, a batch of BatchSize items at a time: the
// whole catalog is never held (with Bulk API 2.0, the planned records are
// spooled on disk). A failed record does not stop the sync; an error
// reading or calling does. A read that fails mid-sync stops the reading,
// not the writing: what was planned from the batches read (whole items,
// each product before its entries) is still written, then the run fails
// with the read's error; a re-run writes only what is still missing.
func (s *Syncer) Run(ctx context.Context, scope Scope, progress Progress) (Summary, error) {
	if len(scope.ItemIDs) > BatchSize {
		return Summary{}, fmt.Errorf("catalog sync: %d items named, at most %d at a time", len(scope.ItemIDs), BatchSize)
	}
	quoted := make([]string, len(s.cfg.ItemTypes))
	for i, t := range s.cfg.ItemTypes {
		quoted[i] = "'" + t + "'"
	}
	where := "item.itemtype IN (" + strings.Join(quoted, ", ") + ")"
	var params []any
	switch {
	case scope.ItemID != "":
		where += " AND item.id = ?"
		params = append(params, scope.ItemID)
	case len(scope.ItemIDs) > 0:
		where += " AND item.id IN (" + placeholders(len(scope.ItemIDs)) + ")"
		for _, id := range scope.ItemIDs {
			params = append(params, id)
		}
	case scope.ModifiedSince != "":
		where += " AND item.lastmodifieddate >= TO_TIMESTAMP(?, " + timestampFormat + ")"
		params = append(params, scope.ModifiedSince)
	}
	q := s.itemQuery(where)
	var sum Summary
	held := s.newLoad()
	defer held.discard()
	batch := make([]netsuite.Row, 0, BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		b, err := s.syncBatch(ctx, batch, held)
		sum.add(b)
		batch = batch[:0]
		if err == nil && s.cfg.BulkThreshold <= 0 {
			err = s.writeLoad(ctx, held, &sum)
		}
		if err == nil && s.cfg.BulkThreshold > 0 {
			err = held.spill(s.sf, s.cfg.BulkThreshold)
		}
		if progress != nil {
			progress(sum.Items)
		}
		return err
	}
	rows := 0
	err := s.ns.SuiteQL(ctx, q, params, func(r netsuite.Row) error {
		rows++
		batch = append(batch, r)
		if len(batch) == BatchSize {
			return flush()
		}
		return nil
	})
	sum.NetSuiteCalls += pages(rows, netsuite.MaxSuiteQLPage)
	if err == nil {
		err = flush()
	}
	// After a failed write the load is empty: this writes nothing more.
	if werr := s.writeLoad(ctx, held, &sum); werr != nil {
		err = errors.Join(err, werr)
	}
	if err != nil {
		return sum, fmt.Errorf("catalog sync: %w", err)
	}
	return sum, nil
}

// pages is the calls reading n rows took, at most per a page.
func pages(n, per int) int { return max(1, (n+per-1)/per) }

// priceKey names the list price of one item at one level in one currency.
type priceKey struct{ item, level, currency string }

type priceRow struct {
	qty, price float64
}

// syncBatch reads one batch of item rows and adds what differs to the load.
func (s *Syncer) syncBatch(ctx context.Context, rows []netsuite.Row, out *load) (Summary, error) {
	sum := Summary{Items: len(rows)}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.String("id")
	}
	prices, calls, err := s.pivotedPrices(ctx, rows)
	sum.NetSuiteCalls += calls
	if err != nil {
		return sum, err
	}
	have, err := s.readSalesforce(ctx, ids, &sum)
	if err != nil {
		return sum, err
	}
	for _, r := range rows {
		rec, err := s.product.Apply(ctx, nil, itemRecord(r), nil)
		if err != nil {
			sum.Failed++
			sum.Failures = append(sum.Failures, Failure{Item: r.String("id"), Object: "Product2", Err: err})
			continue
		}
		if old, ok := have.products[r.String("id")]; ok && sameFields(rec, old) {
			sum.Unchanged++
			continue
		}
		out.steps[0].add(r.String("id"), rec)
	}
	failedItems := map[string]bool{}
	for _, f := range sum.Failures {
		failedItems[f.Item] = true
	}
	// Entries, the standard book's first: a custom entry needs the standard one.
	for _, b := range s.books {
		step := &out.steps[2]
		if b.standard {
			step = &out.steps[1]
		}
		s.planEntries(ctx, rows, b, prices, have, failedItems, &sum, step)
	}
	return sum, nil
}

// itemRecord is a SuiteQL item row with the REST record's field names,
// as the item mapping reads it.
func itemRecord(r netsuite.Row) map[string]any {
	rec := map[string]any{
		"id": r.String("id"), "itemId": r.String("itemid"), "itemType": map[string]any{"id": r.String("itemtype")},
		"isInactive": r.String("isinactive") == "T",
	}
	if v := r.String("displayname"); v != "" {
		rec["displayName"] = v
	}
	if v := r.String("description"); v != "" {
		rec["description"] = v
	}
	return rec
}

// itemColumns are the item table's columns a sync reads.
const itemColumns = "item.id, item.itemid, item.displayname, item.description, item.itemtype, item.isinactive"

// itemQuery selects the items matching where, each in one row with its
// prices pivoted into columns (a row per item, so a page of 1,000 rows is
// 1,000 items, prices included): for each configured level and currency
// k, qk is its lowest tier's quantity, nk how many of its tiers start at
// quantity 0 or 1 (NetSuite's first tier) and pk their price. nk = 1
// makes pk the lowest tier's price; any other shape is read row by row
// (readPrices).
func (s *Syncer) itemQuery(where string) string {
	var cols []string
	for k, pc := range s.priceColumns() {
		match := "p.pricelevel = " + pc.level + " AND p.currency = " + pc.currency
		n := strconv.Itoa(k)
		cols = append(cols,
			"MIN(CASE WHEN "+match+" THEN p.quantity END) AS q"+n,
			"COUNT(CASE WHEN "+match+" AND p.quantity <= 1 THEN 1 END) AS n"+n,
			"MAX(CASE WHEN "+match+" AND p.quantity <= 1 THEN p.unitprice END) AS p"+n)
	}
	return "SELECT " + itemColumns + ", " + strings.Join(cols, ", ") +
		" FROM item LEFT JOIN pricing p ON p.item = item.id WHERE " + where +
		" GROUP BY " + itemColumns + " ORDER BY item.id"
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// priceColumn is one configured level and currency (NetSuite ids).
type priceColumn struct{ level, currency string }

func (s *Syncer) priceColumns() []priceColumn {
	var out []priceColumn
	for _, l := range s.cfg.PriceLevels {
		for _, c := range s.currency {
			out = append(out, priceColumn{l, c.nsID})
		}
	}
	return out
}

// pivotedPrices reads a batch's prices from its rows' pivot columns, and
// those of items whose tiers the pivot cannot settle from the pricing
// table (one more call).
func (s *Syncer) pivotedPrices(ctx context.Context, rows []netsuite.Row) (map[priceKey]priceRow, int, error) {
	out := map[priceKey]priceRow{}
	var unsettled []string
	for _, r := range rows {
		item := r.String("id")
		settled := true
		for k, pc := range s.priceColumns() {
			n := strconv.Itoa(k)
			if r.String("q"+n) == "" {
				continue // no price at this level in this currency
			}
			if r.Float("n"+n) != 1 {
				settled = false
				continue
			}
			out[priceKey{item: item, level: pc.level, currency: pc.currency}] = priceRow{qty: r.Float("q" + n), price: r.Float("p" + n)}
		}
		if !settled {
			unsettled = append(unsettled, item)
		}
	}
	if len(unsettled) == 0 {
		return out, 0, nil
	}
	more, calls, err := s.readPrices(ctx, unsettled)
	maps.Copy(out, more)
	return out, calls, err
}

// readPrices reads the pricing rows of items at the configured levels and
// currencies, keeping per key the row with the lowest quantity.
func (s *Syncer) readPrices(ctx context.Context, ids []string) (map[priceKey]priceRow, int, error) {
	params := make([]any, len(ids))
	want := map[priceKey]bool{}
	for i, id := range ids {
		params[i] = id
		for _, pc := range s.priceColumns() {
			want[priceKey{item: id, level: pc.level, currency: pc.currency}] = true
		}
	}
	q := "SELECT item, pricelevel, currency, quantity, unitprice FROM pricing WHERE item IN (" + placeholders(len(ids)) + ")"
	out := map[priceKey]priceRow{}
	n := 0
	err := s.ns.SuiteQL(ctx, q, params, func(r netsuite.Row) error {
		n++
		k := priceKey{item: r.String("item"), level: r.String("pricelevel"), currency: r.String("currency")}
		if !want[k] {
			return nil
		}
		p := priceRow{qty: r.Float("quantity"), price: r.Float("unitprice")}
		if old, ok := out[k]; !ok || p.qty < old.qty {
			out[k] = p
		}
		return nil
	})
	if err != nil {
		return nil, pages(n, netsuite.MaxSuiteQLPage), fmt.Errorf("reading the prices of %d items from %s: %w", len(ids), ids[0], err)
	}
	return out, pages(n, netsuite.MaxSuiteQLPage), nil
}

// held is what Salesforce holds for a batch.
type held struct {
	products map[string]salesforce.Record            // by NetSuite item id
	entries  map[string]map[string]salesforce.Record // by item id, then book id|currency
}

var productFields = []string{"Name", "ProductCode", "Description", "Family", "IsActive"}

func (s *Syncer) readSalesforce(ctx context.Context, ids []string, sum *Summary) (held, error) {
	h := held{products: map[string]salesforce.Record{}, entries: map[string]map[string]salesforce.Record{}}
	in := quoteList(ids)
	rows, err := s.sf.Query(ctx, "SELECT Id, NetSuite_Item_Id__c, "+strings.Join(productFields, ", ")+
		" FROM Product2 WHERE NetSuite_Item_Id__c IN ("+in+")")
	sum.SalesforceCalls += pages(len(rows), 2000)
	if err != nil {
		return h, fmt.Errorf("reading products: %w", err)
	}
	for _, r := range rows {
		h.products[r.String("NetSuite_Item_Id__c")] = r
	}
	if len(rows) == 0 {
		return h, nil // no product, so no entry
	}
	cols := "Id, Product2.NetSuite_Item_Id__c, Pricebook2Id, UnitPrice, IsActive, UseStandardPrice, Tandem_Key__c"
	if !s.cfg.SingleCurrency {
		cols += ", CurrencyIsoCode"
	}
	rows, err = s.sf.Query(ctx, "SELECT "+cols+" FROM PricebookEntry WHERE Product2.NetSuite_Item_Id__c IN ("+in+")")
	sum.SalesforceCalls += pages(len(rows), 2000)
	if err != nil {
		return h, fmt.Errorf("reading price book entries: %w", err)
	}
	for _, r := range rows {
		item := r.String("Product2.NetSuite_Item_Id__c")
		if h.entries[item] == nil {
			h.entries[item] = map[string]salesforce.Record{}
		}
		h.entries[item][r.String("Pricebook2Id")+"|"+r.String("CurrencyIsoCode")] = r
	}
	return h, nil
}

func quoteList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = "'" + salesforce.EscapeSOQL(id) + "'"
	}
	return strings.Join(q, ", ")
}

// createOnly are PricebookEntry fields Salesforce takes only on create.
var createOnly = []string{"Product2", "Pricebook2Id", "CurrencyIsoCode"}

// refusedCreateOnly reports an upsert refused only for fields Salesforce
// takes on create: the record matched an existing one.
func refusedCreateOnly(res salesforce.UpsertResult) bool {
	if len(res.Errors) != 1 || res.Errors[0].StatusCode != "INVALID_FIELD_FOR_INSERT_UPDATE" || len(res.Errors[0].Fields) == 0 {
		return false
	}
	for _, f := range res.Errors[0].Fields {
		if !slices.Contains(createOnly, f) && f != "Product2Id" {
			return false
		}
	}
	return true
}

// hasCreateOnly reports whether rec carries a field Salesforce takes only
// on create (so a refusal for it can be retried as an update).
func hasCreateOnly(rec map[string]any) bool {
	for _, f := range createOnly {
		if _, ok := rec[f]; ok {
			return true
		}
	}
	return false
}

func withoutCreateOnly(rec map[string]any) map[string]any {
	out := maps.Clone(rec)
	for _, f := range createOnly {
		delete(out, f)
	}
	return out
}

// planEntries adds the entries of one book to create or update to step.
func (s *Syncer) planEntries(ctx context.Context, rows []netsuite.Row, b book, prices map[priceKey]priceRow, h held,
	failedItems map[string]bool, sum *Summary, step *step) {
	for _, r := range rows {
		item := r.String("id")
		if failedItems[item] {
			continue
		}
		inactive := r.String("isinactive") == "T"
		for _, c := range s.currency {
			p, priced := prices[priceKey{item: item, level: b.level, currency: c.nsID}]
			iso := c.iso
			if s.cfg.SingleCurrency {
				iso = ""
			}
			old, exists := h.entries[item][b.id+"|"+iso]
			if !priced && !exists {
				continue // never priced here: nothing to deactivate
			}
			key := item + "|" + b.name + "|" + c.iso
			rec := map[string]any{"item": item, "priceLevel": b.level, "currency": c.nsID, "active": priced && !inactive}
			if priced {
				rec["price"] = p.price
			} else {
				rec["price"] = old["UnitPrice"] // a removed price keeps its last amount, inactive
			}
			out, err := s.entry.Apply(ctx, nil, rec, map[string]any{"key": key, "pricebookId": b.id})
			if err != nil {
				sum.Failed++
				sum.Failures = append(sum.Failures, Failure{Item: item, Object: "PricebookEntry", Key: key, Err: err})
				continue
			}
			if s.cfg.SingleCurrency {
				delete(out, "CurrencyIsoCode")
			}
			if !exists {
				step.add(item, out)
				continue
			}
			out = withoutCreateOnly(out)
			if sameFields(out, old) {
				sum.Unchanged++
				continue
			}
			if old.String("Tandem_Key__c") != key {
				// an entry made before Tandem (or by hand): adopt it by Id
				out["Id"] = old.String("Id")
			}
			step.add(item, out)
		}
	}
}

// sameFields reports whether every field of rec has its value in old.
func sameFields(rec map[string]any, old salesforce.Record) bool {
	for k, v := range rec {
		if k == "Product2" {
			continue
		}
		if _, nested := v.(map[string]any); nested {
			continue
		}
		if !sameValue(v, old[k]) {
			return false
		}
	}
	return true
}

func sameValue(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && math.Abs(fa-fb) < 0.005
	}
	if a == nil || a == "" {
		return b == nil || b == ""
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// load is the writes a sync plans, in the order Salesforce needs them:
// products, standard price book entries, custom ones.
type load struct{ steps [3]step }

// step is the records of one object to write; an update that carries an
// Id (an entry adopted from before Tandem) goes by Id, the rest are
// upserts by extField. Once its upserts pass Config.BulkThreshold they
// go to a Bulk API 2.0 load spooled on disk (bulk), not held.
type step struct {
	object, extField string
	upserts, byID    []planned
	bulk             *salesforce.BulkLoad
	bulkItems        []string // the item of each record in bulk, by index
}

// planned is one record and the NetSuite item it is for.
type planned struct {
	item string
	rec  map[string]any
}

func (s *Syncer) newLoad() *load {
	return &load{steps: [3]step{{object: "Product2", extField: "NetSuite_Item_Id__c"},
		{object: "PricebookEntry", extField: "Tandem_Key__c"}, {object: "PricebookEntry", extField: "Tandem_Key__c"}}}
}

func (st *step) add(item string, rec map[string]any) {
	if _, ok := rec["Id"]; ok {
		st.byID = append(st.byID, planned{item, rec})
	} else {
		st.upserts = append(st.upserts, planned{item, rec})
	}
}

// spill moves the upserts of each step past threshold (and of a step
// already spooled) to its Bulk API 2.0 load, so a sync holds at most
// threshold records a step plus one batch.
func (l *load) spill(sf Salesforce, threshold int) error {
	for i := range l.steps {
		st := &l.steps[i]
		if st.bulk == nil && len(st.upserts) <= threshold {
			continue
		}
		if st.bulk == nil {
			b, err := sf.NewBulkLoad(st.object, st.extField)
			if err != nil {
				return err
			}
			st.bulk = b
		}
		for _, p := range st.upserts {
			if err := st.bulk.Add(p.rec); err != nil {
				return err
			}
			st.bulkItems = append(st.bulkItems, p.item)
		}
		st.upserts = nil
	}
	return nil
}

// discard drops what the load still holds, its spooled files included.
func (l *load) discard() {
	for i := range l.steps {
		st := &l.steps[i]
		if st.bulk != nil {
			_ = st.bulk.Close()
		}
		*st = step{object: st.object, extField: st.extField}
	}
}

// writeLoad writes the load's steps in order and empties it. An item
// whose product (or standard entry) Salesforce refused has its later
// records left out: they could only fail for want of it. After an error
// the rest of the load is dropped, not written out of order.
func (s *Syncer) writeLoad(ctx context.Context, l *load, sum *Summary) error {
	defer l.discard()
	if s.cfg.BulkThreshold > 0 {
		if err := l.spill(s.sf, s.cfg.BulkThreshold); err != nil {
			return fmt.Errorf("spooling the Bulk API 2.0 loads: %w", err)
		}
	}
	failed := map[string]bool{}
	for i := range l.steps {
		if err := s.write(ctx, &l.steps[i], sum, failed); err != nil {
			return err
		}
	}
	return nil
}

func filter(ps []planned, keep func(planned) bool) []planned {
	out := ps[:0]
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// outcome counts each record's result of one step into sum. A record
// Salesforce refuses is counted and reported alone, its item marked in
// failed; the rest stand.
type outcome struct {
	object, extField string
	sum              *Summary
	failed           map[string]bool
	retry            []planned // entries to update, not create: see add
}

func (o *outcome) add(p planned, res salesforce.UpsertResult) {
	switch {
	case !res.Success && o.object == "PricebookEntry" && hasCreateOnly(p.rec) && refusedCreateOnly(res):
		// The entry exists by now (an earlier attempt's write whose
		// answer was lost, or another job's): update it instead.
		o.retry = append(o.retry, planned{p.item, withoutCreateOnly(p.rec)})
	case !res.Success:
		o.failed[p.item] = true
		o.sum.Failed++
		o.sum.Failures = append(o.sum.Failures, Failure{Item: p.item, Object: o.object, Key: fmt.Sprint(p.rec[o.extField]), Err: res.Err()})
	case res.Created:
		o.sum.Created++
	case p.rec["IsActive"] == false:
		o.sum.Deactivated++
	default:
		o.sum.Updated++
	}
}

// write sends a step: its Bulk API 2.0 load if it has one, its upserts
// by extField and updates by Id through Collections calls of 200,
// leaving out the records of items in failed.
func (s *Syncer) write(ctx context.Context, st *step, sum *Summary, failed map[string]bool) error {
	o := &outcome{object: st.object, extField: st.extField, sum: sum, failed: failed}
	keep := func(p planned) bool { return !failed[p.item] }
	upserts, byID := filter(st.upserts, keep), filter(st.byID, keep)
	if st.bulk != nil {
		if err := s.sendBulk(ctx, st, o); err != nil {
			return err
		}
	}
	upsert := func(c []map[string]any) ([]salesforce.UpsertResult, error) {
		return s.sf.UpsertCollection(ctx, st.object, st.extField, c, false)
	}
	if err := s.send(o, upserts, upsert); err != nil {
		return err
	}
	if len(o.retry) > 0 {
		again := o.retry
		o.retry = nil
		if err := s.send(o, again, upsert); err != nil {
			return err
		}
	}
	return s.send(o, byID, func(c []map[string]any) ([]salesforce.UpsertResult, error) {
		return s.sf.UpdateCollection(ctx, st.object, c)
	})
}

// send writes ps in calls of 200 through call.
func (s *Syncer) send(o *outcome, ps []planned, call func([]map[string]any) ([]salesforce.UpsertResult, error)) error {
	for chunk := range slices.Chunk(ps, salesforce.MaxCollectionSize) {
		recs := make([]map[string]any, len(chunk))
		for i, p := range chunk {
			recs[i] = p.rec
		}
		results, err := call(recs)
		o.sum.SalesforceCalls++
		o.sum.SalesforceWrites++
		if err != nil {
			return fmt.Errorf("writing %d %s records: %w", len(chunk), o.object, err)
		}
		for i, res := range results {
			o.add(chunk[i], res)
		}
	}
	return nil
}

// sendBulk writes the step's Bulk API 2.0 load (counted as one call),
// then reads its records back from the spool to count their results.
func (s *Syncer) sendBulk(ctx context.Context, st *step, o *outcome) error {
	skip := maps.Clone(o.failed) // as sent: a refusal in this step must not hide its later results
	keep := func(i int) bool { return !skip[st.bulkItems[i]] }
	results := make([]salesforce.UpsertResult, st.bulk.Len())
	err := st.bulk.Send(ctx, keep, func(i int, res salesforce.UpsertResult) error {
		results[i] = res
		return nil
	})
	o.sum.SalesforceCalls++
	o.sum.SalesforceWrites++
	if err != nil {
		return fmt.Errorf("writing %d %s records through Bulk API 2.0: %w", st.bulk.Len(), st.object, err)
	}
	return st.bulk.Each(func(i int, rec map[string]any) error {
		if keep(i) {
			o.add(planned{st.bulkItems[i], rec}, results[i])
		}
		return nil
	})
}

// Deactivate makes a deleted item's product and its price book entries
// inactive: NetSuite lets an unused item be deleted, but quotes in
// Salesforce may refer to its product, so it is kept, out of quoting.
func (s *Syncer) Deactivate(ctx context.Context, itemID string) (Summary, error) {
	sum := Summary{Items: 1}
	h, err := s.readSalesforce(ctx, []string{itemID}, &sum)
	if err != nil {
		return sum, err
	}
	l := s.newLoad()
	if p, ok := h.products[itemID]; ok && p["IsActive"] == true {
		l.steps[0].add(itemID, map[string]any{"NetSuite_Item_Id__c": itemID, "IsActive": false})
	}
	for _, e := range h.entries[itemID] {
		if e["IsActive"] == true {
			l.steps[1].add(itemID, map[string]any{"Id": e.String("Id"), "IsActive": false})
		}
	}
	// The entries go out of quoting even if the product could not.
	for i := range l.steps {
		if err := s.write(ctx, &l.steps[i], &sum, map[string]bool{}); err != nil {
			return sum, err
		}
	}
	return sum, nil
}
