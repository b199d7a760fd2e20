package jobs

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hibiken/asynq"
)

// Task types, one per flow direction. The names match the mapping files.
const (
	TypeOpportunityToSalesOrder = "f1:opportunity_to_salesorder"
	TypeAccountToCustomer       = "f2:account_to_customer"
	TypeCustomerToAccount       = "f2:customer_to_account"
	TypeContactToNSContact      = "f2:contact_to_nscontact"
	TypeNSContactToContact      = "f2:nscontact_to_contact"
	// Finance's truth in Salesforce (jobs/invoices, jobs/credithold).
	TypeInvoiceToSalesforce = "invoices:invoice_to_salesforce" // an invoice, by its internal id
	TypePaymentToSalesforce = "invoices:payment_to_salesforce" // a customer payment, credit memo or refund: the invoices it applies to
	TypeCreditHold          = "credithold:customer"            // a customer whose credit standing may have changed
	// The safety net: a periodic SuiteQL sweep of NetSuite changes (jobs/sweep).
	TypeNetSuiteSweep = "sweep:netsuite"
	// The catalog (jobs/catalog): an item and its prices to Product2 and price book entries.
	TypeCatalogItem = "f4:item_to_product"
	// A new customer's onboarding in Salesforce (jobs/onboarding).
	TypeOnboarding = "onboarding:customer"
	// The drift audit (jobs/drift): every linked pair compared, periodically.
	TypeDriftAudit = "drift:audit"
	// F6: the current fiscal quarter's bookings vs billings, written back (jobs/reconcile).
	TypeReconcile = "f6:reconcile"
)

// Queues, so Asynqmon shows each direction apart.
const (
	QueueSalesforceToNetSuite = "sf_to_ns"
	QueueNetSuiteToSalesforce = "ns_to_sf"
)

// Queues is every queue Tandem uses with its priority weight.
var Queues = map[string]int{
	QueueSalesforceToNetSuite: 5,
	QueueNetSuiteToSalesforce: 5,
}

// DedupRetention keeps a finished task (and so its id) long enough to
// absorb every re-send: Salesforce re-sends an Outbound Message for up to
// 24 hours, so 25 hours covers it with room for clock skew.
const DedupRetention = 25 * time.Hour

// taskTimeout bounds one attempt of one job.
const taskTimeout = 5 * time.Minute

// Change is the payload of every job: a normalised notice that a record
// changed in one system. It is a hint; workers re-read the record.
type Change struct {
	Source        string             `json:"source"`           // one of the Source constants
	OrgID         string             `json:"org_id,omitempty"` // Salesforce org or NetSuite account id
	Object        string             `json:"object"`           // "Opportunity", "Account", NetSuite "customer", …
	RecordID      string             `json:"record_id"`
	EventID       string             `json:"event_id"`              // the sender's id of this change (notification id, replay id, SuiteScript eventId)
	ChangeType    string             `json:"change_type,omitempty"` // one of the ChangeType constants; empty for Outbound Messages
	ChangedFields []string           `json:"changed_fields,omitempty"`
	LastModified  time.Time          `json:"last_modified,omitzero"` // the source's modification time of this version
	Origin        string             `json:"origin,omitempty"`       // CDC changeOrigin, NetSuite executionContext
	CommitUser    string             `json:"commit_user,omitempty"`  // CDC commitUser, NetSuite userId
	Fields        map[string]*string `json:"fields,omitempty"`       // Outbound Message sObject fields, as text
	Values        map[string]any     `json:"values,omitempty"`       // JSON event fields as sent
	ReceivedAt    time.Time          `json:"received_at"`
	CorrelationID string             `json:"correlation_id"`
	Problem       string             `json:"problem,omitempty"` // why an unusable notification could not become a change (TypeUnusable)
}

// Sources.
const (
	SourceSalesforceOutbound = "salesforce.outbound"
	SourceSalesforceCDC      = "salesforce.cdc"
	SourceSalesforceEvent    = "salesforce.platform_event"
	SourceNetSuiteWebhook    = "netsuite.webhook"
	SourceNetSuiteSweep      = "netsuite.sweep"
	SourceDriftAudit         = "tandem.drift" // a pair the drift audit found differing (jobs/drift)
)

// Change types, normalised across both systems.
const (
	ChangeCreate   = "create"
	ChangeUpdate   = "update"
	ChangeDelete   = "delete"
	ChangeUndelete = "undelete"
)

// SalesforceEventTaskType is the task type for change events of a
// Salesforce object; false when no flow handles it (yet).
func SalesforceEventTaskType(object string) (string, bool) {
	switch object {
	case "Account":
		return TypeAccountToCustomer, true
	case "Contact":
		return TypeContactToNSContact, true
	}
	return "", false
}

// netSuiteRoutes are the task types a change of each NetSuite record type
// (lower case, as the SuiteScript sends it) starts: one job per flow that
// reads that record type.
var netSuiteRoutes = map[string][]string{
	"customer":         {TypeCustomerToAccount, TypeCreditHold, TypeOnboarding},
	"contact":          {TypeNSContactToContact},
	"invoice":          {TypeInvoiceToSalesforce, TypeCreditHold},
	"customerpayment":  {TypePaymentToSalesforce, TypeCreditHold},
	"creditmemo":       {TypePaymentToSalesforce, TypeCreditHold},
	"customerrefund":   {TypePaymentToSalesforce, TypeCreditHold},
	"inventoryitem":    {TypeCatalogItem},
	"noninventoryitem": {TypeCatalogItem},
	"serviceitem":      {TypeCatalogItem},
}

// NetSuiteTaskTypes are the task types for a change of a NetSuite record
// type, one per flow that reads it; none when no flow handles it (yet).
func NetSuiteTaskTypes(recordType string) []string {
	return netSuiteRoutes[strings.ToLower(recordType)]
}

// EventTaskID is the dedup id of a change version:
// <task type>:<system>:<account or org>:<record id>:<version>, where
// version is what identifies this change at the source (a CDC replay id or
// commit timestamp, a SuiteScript eventId).
func EventTaskID(taskType, system, scope, recordID, version string) string {
	return fmt.Sprintf("%s:%s:%s:%s:%s", taskType, system, scope, recordID, version)
}

// OutboundTaskType is the task type for Outbound Message notifications of
// a Salesforce object; false when no flow handles that object.
func OutboundTaskType(object string) (string, bool) {
	if object == "Opportunity" {
		return TypeOpportunityToSalesOrder, true
	}
	return SalesforceEventTaskType(object)
}

// TaskQueue is the queue a task type runs on.
func TaskQueue(taskType string) string {
	switch taskType {
	case TypeCustomerToAccount, TypeNSContactToContact, TypeInvoiceToSalesforce, TypePaymentToSalesforce, TypeCreditHold, TypeNetSuiteSweep,
		TypeCatalogItem, TypeOnboarding, TypeDriftAudit, TypeReconcile:
		return QueueNetSuiteToSalesforce
	}
	return QueueSalesforceToNetSuite
}

// OutboundTaskID is the dedup id of an Outbound Message notification:
// Salesforce keeps the notification id on every re-send. The org id is
// cut to its 15-character form so both spellings dedup together.
func OutboundTaskID(taskType, orgID, notificationID string) string {
	if len(orgID) > 15 {
		orgID = orgID[:15]
	}
	return fmt.Sprintf("%s:sf:%s:%s", taskType, orgID, notificationID)
}

// decodeChange reads a task's payload.
func decodeChange(t *asynq.Task) (Change, error) {
	var ch Change
	if err := json.Unmarshal(t.Payload(), &ch); err != nil {
		return ch, permanent(fmt.Errorf("decoding %s payload: %w", t.Type(), err))
	}
	if ch.RecordID == "" {
		return ch, permanent(fmt.Errorf("%s payload has no record_id", t.Type()))
	}
	return ch, nil
}
