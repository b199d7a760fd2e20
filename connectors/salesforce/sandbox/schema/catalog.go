package schema

import "slices"

// The sandbox org: the standard objects Tandem reads and writes (real API
// names); the custom fields and objects Tandem's setup adds come from the
// shipped metadata (metadata.go).

// Key prefixes of the objects' ids.
const (
	AccountPrefix             = "001"
	ContactPrefix             = "003"
	OpportunityPrefix         = "006"
	OpportunityLineItemPrefix = "00k"
	Product2Prefix            = "01t"
	Pricebook2Prefix          = "01s"
	PricebookEntryPrefix      = "01u"
	UserPrefix                = "005"
	TaskPrefix                = "00T"
	FeedItemPrefix            = "0D5"
	OrganizationPrefix        = "00D"
)

var industries = []string{"Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals",
	"Communications", "Construction", "Consulting", "Education", "Electronics", "Energy",
	"Engineering", "Entertainment", "Environmental", "Finance", "Food & Beverage", "Government",
	"Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media",
	"Not For Profit", "Recreation", "Retail", "Shipping", "Technology", "Telecommunications",
	"Transportation", "Utilities", "Other"}

// Default is the sandbox org's schema.
func Default() *Schema {
	return New(withShippedMetadata([]*Object{account(), contact(), opportunity(), opportunityLineItem(), product2(),
		pricebook2(), pricebookEntry(), user(), task(), feedItem(), organization()})...)
}

// SingleCurrency is the sandbox org's schema with multi-currency off, as
// in most orgs: no object has CurrencyIsoCode, so describe omits it and
// SOQL and writes naming it fail with INVALID_FIELD.
func SingleCurrency() *Schema {
	objects := withShippedMetadata([]*Object{account(), contact(), opportunity(), opportunityLineItem(), product2(),
		pricebook2(), pricebookEntry(), user(), task(), feedItem(), organization()})
	for _, o := range objects {
		o.Fields = slices.DeleteFunc(o.Fields, func(f *Field) bool { return f.Name == "CurrencyIsoCode" })
	}
	return New(objects...)
}

func currency() *Field {
	return picklist("CurrencyIsoCode", "Currency ISO Code", true, Currencies...).withDefault(CorporateCurrency)
}

func owner() *Field { return ref("OwnerId", "Owner ID", "Owner", "User") }

func account() *Object {
	o := object("Account", "Account", "Accounts", AccountPrefix, systemFields("Account ID"),
		list(
			text("Name", "Account Name", 255).required().idLookup(),
			field("Phone", "Account Phone", Phone),
			field("Website", "Website", URL),
			picklist("Industry", "Industry", false, industries...),
			field("Description", "Account Description", TextArea),
			owner(),
			currency(),
		),
		address("Billing", "Billing"), address("Shipping", "Shipping"))
	o.Children = []*ChildRelationship{
		{Name: "Contacts", Object: "Contact", Field: "AccountId", CascadeDelete: true},
		{Name: "Opportunities", Object: "Opportunity", Field: "AccountId", CascadeDelete: true},
		{Name: "Tasks", Object: "Task", Field: "WhatId", CascadeDelete: true},
		{Name: "Feeds", Object: "FeedItem", Field: "ParentId", CascadeDelete: true},
	}
	return o
}

func contact() *Object {
	o := object("Contact", "Contact", "Contacts", ContactPrefix, systemFields("Contact ID"),
		list(
			ref("AccountId", "Account ID", "Account", "Account"),
			text("FirstName", "First Name", 40),
			text("LastName", "Last Name", 80).required(),
			text("Name", "Full Name", 121).readOnly().idLookup(),
			field("Email", "Email", Email).idLookup(),
			field("Phone", "Business Phone", Phone),
			text("Title", "Title", 128),
			owner(),
			currency(),
		),
		address("Mailing", "Mailing"))
	o.Children = []*ChildRelationship{{Name: "Tasks", Object: "Task", Field: "WhoId", CascadeDelete: true}}
	return o
}

func opportunity() *Object {
	o := object("Opportunity", "Opportunity", "Opportunities", OpportunityPrefix, systemFields("Opportunity ID"),
		list(
			ref("AccountId", "Account ID", "Account", "Account"),
			text("Name", "Name", 120).required(),
			picklist("StageName", "Stage", true, stageNames()...).required(),
			field("CloseDate", "Close Date", Date).required(),
			field("Amount", "Amount", Currency),
			field("Description", "Description", TextArea),
			field("Probability", "Probability (%)", Percent),
			picklist("ForecastCategoryName", "Forecast Category", true, "Omitted", "Pipeline", "Best Case", "Commit", "Closed"),
			field("IsWon", "Won", Boolean).readOnly(),
			field("IsClosed", "Closed", Boolean).readOnly(),
			field("HasOpportunityLineItem", "Has Line Item", Boolean).readOnly(),
			ref("Pricebook2Id", "Price Book ID", "Pricebook2", "Pricebook2"),
			owner(),
			currency(),
		))
	o.Children = []*ChildRelationship{
		{Name: "OpportunityLineItems", Object: "OpportunityLineItem", Field: "OpportunityId", CascadeDelete: true},
		{Name: "Tasks", Object: "Task", Field: "WhatId", CascadeDelete: true},
	}
	return o
}

func opportunityLineItem() *Object {
	return object("OpportunityLineItem", "Opportunity Product", "Opportunity Product", OpportunityLineItemPrefix,
		systemFields("Line Item ID"),
		list(
			ref("OpportunityId", "Opportunity ID", "Opportunity", "Opportunity").required().createOnly(),
			ref("PricebookEntryId", "Price Book Entry ID", "PricebookEntry", "PricebookEntry").createOnly(),
			ref("Product2Id", "Product ID", "Product2", "Product2").createOnly(),
			text("Name", "Opportunity Product Name", 376).readOnly(),
			text("ProductCode", "Product Code", 255).readOnly(),
			field("Quantity", "Quantity", Double).required(),
			field("UnitPrice", "Sales Price", Currency),
			field("Discount", "Discount", Percent),
			field("TotalPrice", "Total Price", Currency).readOnly(),
			field("ListPrice", "List Price", Currency).readOnly(),
			text("Description", "Line Description", 255),
			field("ServiceDate", "Date", Date),
			field("SortOrder", "Sort Order", Int),
			picklist("CurrencyIsoCode", "Currency ISO Code", true, Currencies...).readOnly(),
		))
}

func product2() *Object {
	o := object("Product2", "Product", "Products", Product2Prefix, systemFields("Product ID"),
		list(
			text("Name", "Product Name", 255).required().idLookup(),
			text("ProductCode", "Product Code", 255),
			field("IsActive", "Active", Boolean).withDefault(false),
			picklist("Family", "Product Family", false, "Hardware", "Software", "Services"),
			field("Description", "Product Description", TextArea).withLength(4000),
			currency(),
		))
	o.Children = []*ChildRelationship{{Name: "PricebookEntries", Object: "PricebookEntry", Field: "Product2Id", CascadeDelete: true}}
	return o
}

func pricebook2() *Object {
	o := object("Pricebook2", "Price Book", "Price Books", Pricebook2Prefix, systemFields("Price Book ID"),
		list(
			text("Name", "Price Book Name", 255).required().idLookup(),
			field("IsActive", "Active", Boolean).withDefault(false),
			field("IsStandard", "Is Standard Price Book", Boolean).readOnly(),
			field("Description", "Description", TextArea),
		))
	o.Children = []*ChildRelationship{{Name: "PricebookEntries", Object: "PricebookEntry", Field: "Pricebook2Id", CascadeDelete: true}}
	return o
}

func pricebookEntry() *Object {
	return object("PricebookEntry", "Price Book Entry", "Price Book Entries", PricebookEntryPrefix,
		systemFields("Price Book Entry ID"),
		list(
			ref("Pricebook2Id", "Price Book ID", "Pricebook2", "Pricebook2").required().createOnly(),
			ref("Product2Id", "Product ID", "Product2", "Product2").required().createOnly(),
			text("Name", "Product Name", 255).readOnly(),
			text("ProductCode", "Product Code", 255).readOnly(),
			field("UnitPrice", "List Price", Currency), // required unless UseStandardPrice
			field("IsActive", "Active", Boolean).withDefault(false),
			field("UseStandardPrice", "Use Standard Price", Boolean).withDefault(false),
			picklist("CurrencyIsoCode", "Currency ISO Code", true, Currencies...).withDefault(CorporateCurrency).createOnly(),
		))
}

// organization is the org's one Organization record: its fiscal year
// settings (Setup > Fiscal Year) are what reports count quarters by.
// FiscalYearStartMonth is 1-12; UsesStartDateAsFiscalYearName false (the
// default) names a fiscal year after the calendar year it ends in. The
// API only reads it: the sandbox refuses creating or deleting one.
func organization() *Object {
	return object("Organization", "Organization", "Organizations", OrganizationPrefix, systemFields("Organization ID"),
		list(
			text("Name", "Name", 80).readOnly(),
			field("FiscalYearStartMonth", "Fiscal Year Starts In", Int).readOnly(),
			field("UsesStartDateAsFiscalYearName", "Fiscal Year Name by Start", Boolean).readOnly(),
			text("DefaultLocaleSidKey", "Locale", 40).readOnly(),
		))
}

func user() *Object {
	return object("User", "User", "Users", UserPrefix, systemFields("User ID"),
		list(
			text("Username", "Username", 80).required().idLookup(),
			field("Email", "Email", Email).required(),
			text("FirstName", "First Name", 40),
			text("LastName", "Last Name", 80).required(),
			text("Name", "Full Name", 121).readOnly().idLookup(),
			field("IsActive", "Active", Boolean).withDefault(true),
		))
}

func task() *Object {
	return object("Task", "Task", "Tasks", TaskPrefix, systemFields("Activity ID"),
		list(
			text("Subject", "Subject", 255),
			// Status and Priority are required (nillable=false) but defaulted on
			// create to the org's picklist defaults (salesforce.md §10): an
			// explicit null is REQUIRED_FIELD_MISSING.
			picklist("Status", "Status", true, "Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred").withDefault("Not Started").required(),
			picklist("Priority", "Priority", true, "High", "Normal", "Low").withDefault("Normal").required(),
			field("ActivityDate", "Due Date Only", Date),
			field("Description", "Description", TextArea),
			owner(),
			ref("WhoId", "Name ID", "Who", "Contact"),
			ref("WhatId", "Related To ID", "What", "Account", "Opportunity"),
			ref("AccountId", "Account ID", "Account", "Account").readOnly(),
			field("IsClosed", "Closed", Boolean).readOnly(),
		))
}

// feedItem is a Chatter post on a record (salesforce.md §10): ParentId is
// the record (or user) it is posted on, Body its text, required for a
// TextPost (rules.go).
func feedItem() *Object {
	return object("FeedItem", "Feed Item", "Feed Items", FeedItemPrefix, systemFields("Feed Item ID"),
		list(
			ref("ParentId", "Parent ID", "Parent", "Account", "Opportunity", "Contact", "User").required().createOnly(),
			picklist("Type", "Feed Item Type", true, "TextPost", "LinkPost", "ContentPost").withDefault("TextPost").createOnly(),
			field("Body", "Body", TextArea).withLength(10000),
			text("Title", "Title", 255),
			field("LinkUrl", "Link URL", URL),
			field("IsRichText", "Is Rich Text", Boolean).withDefault(false),
		))
}
