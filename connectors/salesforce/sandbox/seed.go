package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
)

// UnmappedProductName is the seeded product without a NetSuite item id,
// there to show the failure path of a sales order with an unknown item.
const UnmappedProductName = "Unmapped Widget"

var (
	companyStems = []string{"Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries",
		"Wayne Enterprises", "Wonka Industries", "Cyberdyne", "Soylent", "Tyrell", "Vandelay Industries",
		"Massive Dynamic", "Aperture Science", "Oscorp", "Dunder Mifflin", "Pied Piper", "Nakatomi"}
	firstNames = []string{"Ada", "Ben", "Chloé", "Dev", "Elena", "Finn", "Grace", "Hiro", "Ines", "Jonas", "Kara", "Liam"}
	lastNames  = []string{"Lovelace", "Okafor", "Martin", "Patel", "Rossi", "Schmidt", "Hopper", "Tanaka", "Dubois", "Berg", "Novak", "Walsh"}
	dealKinds  = []string{"New Business", "Expansion", "Renewal", "Upgrade", "Pilot"}
	families   = []string{"Hardware", "Software", "Services"}
	industries = []string{"Manufacturing", "Technology", "Retail", "Healthcare", "Finance", "Energy", "Transportation"}
)

// country is where a seeded account is: its address book and currency.
type country struct {
	name, currency, phone string
	streets               []string
	cities                [][3]string // city, state, postal code
}

var countries = []country{
	{"United States", "USD", "+1 415 555 %04d", []string{"Market Street", "Broadway", "Congress Avenue"},
		[][3]string{{"San Francisco", "CA", "94105"}, {"New York", "NY", "10001"}, {"Austin", "TX", "78701"}}},
	{"United Kingdom", "GBP", "+44 20 7946 %04d", []string{"High Street", "King's Road", "Station Road"},
		[][3]string{{"London", "", "EC1A 1BB"}, {"Manchester", "", "M1 1AE"}, {"Edinburgh", "", "EH1 1YZ"}}},
	{"Germany", "EUR", "+49 30 5557 %04d", []string{"Hauptstraße", "Bahnhofstraße", "Lindenallee"},
		[][3]string{{"Berlin", "", "10115"}, {"München", "", "80331"}, {"Hamburg", "", "20095"}}},
	{"France", "EUR", "+33 1 55 55 %04d", []string{"Rue de Rivoli", "Avenue Victor Hugo", "Rue de la Paix"},
		[][3]string{{"Paris", "", "75001"}, {"Lyon", "", "69001"}, {"Marseille", "", "13001"}}},
}

// exchange rates of the seeded EUR and GBP list prices.
var exchange = map[string]float64{"USD": 1, "EUR": 0.92, "GBP": 0.79}

// seeder writes the demo data in one silent transaction (no change events,
// no Outbound Messages) and keeps the first error.
type seeder struct {
	s     *Server
	tx    *txn
	rng   *rand.Rand
	err   error
	today time.Time
}

func (sd *seeder) create(object string, fields map[string]any) string {
	if sd.err != nil {
		return ""
	}
	if sd.s.cfg.SingleCurrency {
		delete(fields, "CurrencyIsoCode")
	}
	id, err := sd.s.createIn(sd.tx, object, fields)
	if err != nil {
		sd.err = fmt.Errorf("creating %s %v: %w", object, fields["Name"], err)
	}
	return id
}

// seed creates the users, the catalog, accounts with contacts and open
// opportunities. The same Seed gives the same ids and data.
func (s *Server) seed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.integration = User{ID: sfid.New(schema.UserPrefix, 1), Username: s.cfg.IntegrationUsername,
		Name: "Tandem Integration", Email: s.cfg.IntegrationUsername}
	s.sales = User{ID: sfid.New(schema.UserPrefix, 2), Username: DefaultSalesUsername, Name: "Sam Sales", Email: "sam.sales@tandem.sandbox"}
	sd := &seeder{s: s, tx: s.begin(s.integration, ""), rng: rand.New(rand.NewPCG(uint64(s.cfg.Seed.Rand), 0x5eed))}
	sd.today = sd.tx.now.Truncate(24 * time.Hour)
	for _, u := range []User{s.integration, s.sales} {
		first, last, _ := strings.Cut(u.Name, " ")
		sd.create("User", map[string]any{"Username": u.Username, "Email": u.Email, "FirstName": first, "LastName": last})
		s.users[u.Username] = u
	}
	sd.managers()
	s.organization(sd.tx.now)
	sd.tx.user = s.sales
	entries := sd.catalog()
	accounts := sd.accounts()
	sd.opportunities(accounts, entries)
	return sd.err
}

// catalog creates the products and the standard price book with a USD,
// EUR and GBP entry per product; it returns entry ids by product and currency.
func (sd *seeder) catalog() [][]priced {
	book := sd.create("Pricebook2", map[string]any{"Name": "Standard Price Book", "IsActive": true})
	if sd.err != nil {
		return nil
	}
	sd.s.store.rows[book]["IsStandard"] = true
	sd.s.standardPricebookID = book
	n := sd.s.cfg.Seed.Products
	entries := make([][]priced, n)
	for i := 1; i <= n; i++ {
		product := map[string]any{"Name": fmt.Sprintf("Product %03d", i), "ProductCode": fmt.Sprintf("SKU-%04d", i),
			"IsActive": true, "Family": families[i%len(families)], "Description": fmt.Sprintf("Demo product %d", i),
			"NetSuite_Item_Id__c": strconv.Itoa(1000 + i)}
		if i == n {
			product["Name"] = UnmappedProductName
			delete(product, "NetSuite_Item_Id__c")
		}
		productID := sd.create("Product2", product)
		usd := float64(1000+sd.rng.IntN(99000)) / 100
		for _, cur := range sd.currencies() {
			price := math.Round(usd*exchange[cur]*100) / 100
			id := sd.create("PricebookEntry", map[string]any{"Pricebook2Id": book, "Product2Id": productID,
				"UnitPrice": price, "IsActive": true, "CurrencyIsoCode": cur})
			entries[i-1] = append(entries[i-1], priced{id: id, currency: cur, price: price})
		}
	}
	return entries
}

// currencies are the org's currencies: the corporate one alone when
// multi-currency is off.
func (sd *seeder) currencies() []string {
	if sd.s.cfg.SingleCurrency {
		return []string{schema.CorporateCurrency}
	}
	return schema.Currencies
}

// priced is a price book entry of a seeded product.
type priced struct {
	id, currency string
	price        float64
}

type seededAccount struct{ id, name, currency string }

func (sd *seeder) accounts() []seededAccount {
	var out []seededAccount
	for i := 1; i <= sd.s.cfg.Seed.Accounts; i++ {
		c := countries[(i-1)%len(countries)]
		if sd.s.cfg.SingleCurrency {
			c.currency = schema.CorporateCurrency
		}
		city := c.cities[sd.rng.IntN(len(c.cities))]
		stem := companyStems[(i-1)%len(companyStems)]
		name := fmt.Sprintf("%s %03d", stem, i)
		domain := strings.ToLower(strings.ReplaceAll(stem, " ", "")) + strconv.Itoa(i) + ".example"
		street := fmt.Sprintf("%d %s", 1+sd.rng.IntN(400), c.streets[sd.rng.IntN(len(c.streets))])
		fields := map[string]any{"Name": name, "Phone": fmt.Sprintf(c.phone, 1000+i), "Website": "https://www." + domain,
			"Industry": industries[sd.rng.IntN(len(industries))], "CurrencyIsoCode": c.currency}
		for _, prefix := range []string{"Billing", "Shipping"} {
			fields[prefix+"Street"], fields[prefix+"City"], fields[prefix+"PostalCode"], fields[prefix+"Country"] = street, city[0], city[2], c.name
			if city[1] != "" {
				fields[prefix+"State"] = city[1]
			}
		}
		id := sd.create("Account", fields)
		for range 2 {
			first, last := firstNames[sd.rng.IntN(len(firstNames))], lastNames[sd.rng.IntN(len(lastNames))]
			sd.create("Contact", map[string]any{"AccountId": id, "FirstName": first, "LastName": last,
				"Email": strings.ToLower(first+"."+last) + "@" + domain, "Phone": fmt.Sprintf(c.phone, 2000+sd.rng.IntN(8000)),
				"MailingStreet": street, "MailingCity": city[0], "MailingPostalCode": city[2], "MailingCountry": c.name})
		}
		out = append(out, seededAccount{id: id, name: name, currency: c.currency})
	}
	return out
}

// opportunities creates open opportunities (stages before Closed) with
// one to five lines of distinct products each.
func (sd *seeder) opportunities(accounts []seededAccount, entries [][]priced) {
	openStages := schema.Stages[:len(schema.Stages)-2]
	for i := 1; i <= sd.s.cfg.Seed.Opportunities && len(accounts) > 0 && len(entries) > 0; i++ {
		acct := accounts[sd.rng.IntN(len(accounts))]
		opp := sd.create("Opportunity", map[string]any{
			"Name": fmt.Sprintf("%s - %s", acct.name, dealKinds[sd.rng.IntN(len(dealKinds))]), "AccountId": acct.id,
			"StageName": openStages[sd.rng.IntN(len(openStages))].Name, "CurrencyIsoCode": acct.currency,
			"CloseDate": sd.today.AddDate(0, 0, 7+sd.rng.IntN(90)).Format(time.DateOnly), "Pricebook2Id": sd.s.standardPricebookID})
		products := sd.rng.Perm(len(entries))[:1+sd.rng.IntN(min(5, len(entries)))]
		for line, p := range products {
			entry := entryIn(entries[p], acct.currency)
			fields := map[string]any{"OpportunityId": opp, "PricebookEntryId": entry.id, "Quantity": float64(1 + sd.rng.IntN(20)),
				"UnitPrice": entry.price, "SortOrder": float64(line + 1)}
			if sd.rng.IntN(4) == 0 {
				fields["Discount"] = 10.0
			}
			sd.create("OpportunityLineItem", fields)
		}
	}
}

func entryIn(entries []priced, currency string) priced {
	for _, e := range entries {
		if e.currency == currency {
			return e
		}
	}
	return entries[0]
}

// organization stores the org's Organization record, with the fiscal year
// settings of Config.FiscalYearStartMonth.
func (s *Server) organization(now time.Time) {
	s.store.put("Organization", map[string]any{"Id": s.cfg.OrgID, "IsDeleted": false, "Name": "Tandem Sandbox",
		"FiscalYearStartMonth": s.cfg.FiscalYearStartMonth, "UsesStartDateAsFiscalYearName": false,
		"DefaultLocaleSidKey": "en_US", "CreatedDate": now, "LastModifiedDate": now, "SystemModstamp": now,
		"CreatedById": s.integration.ID, "LastModifiedById": s.integration.ID})
}
