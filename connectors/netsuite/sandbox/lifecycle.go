package sandbox

import "strings"

// Customer lifecycle (netsuite.md §8): a customer's entityStatus names a
// customerStatus record, whose stage (LEAD, PROSPECT or CUSTOMER) says
// whether the entity is a lead, a prospect or a customer; the customer's
// read-only searchStage ("Stage") follows it. A change of entityStatus is
// a save of the customer, so the webhook script reports it like any other
// (the script sends every save; entitystatus is in its watched fields).
//
// The seeded statuses are a default account's list as far as it is known:
// 13 is "CUSTOMER-Closed Won" as in Oracle's sample, the other ids and
// names are assumed. A customer created without entityStatus keeps none in
// the sandbox (NetSuite would give it the account's default status; which
// one is a preference): tests and users set the status to confirm a
// customer, as finance does.

// Customer stages (customerStatus.stage.id).
const (
	StageLead     = "LEAD"
	StageProspect = "PROSPECT"
	StageCustomer = "CUSTOMER"
)

var customerStages = map[string]string{StageLead: "Lead", StageProspect: "Prospect", StageCustomer: "Customer"}

// Seeded customerStatus ids the tests use.
const (
	StatusQualifiedLead = "7"
	StatusInNegotiation = "11"
	StatusClosedWon     = "13"
)

// firstStatusID numbers the seeded statuses from 6, as in a default account.
const firstStatusID = 6

var seedStatuses = []struct{ stage, name string }{
	{StageLead, "Unqualified"}, {StageLead, "Qualified"},
	{StageProspect, "In Discussion"}, {StageProspect, "Identified Decision Makers"}, {StageProspect, "Proposal"},
	{StageProspect, "In Negotiation"}, {StageProspect, "Purchasing"},
	{StageCustomer, "Closed Won"}, {StageProspect, "Closed Lost"}, {StageCustomer, "Renewal"}, {StageCustomer, "Lost Customer"},
}

func init() {
	register(&recordType{name: "customerStatus", family: familyList, created: "createdDate",
		refName: statusRefName, complete: completeStatus},
		str("name"), enum("stage", customerStages), num("probability"), str("description"),
		boolean("includeInLeadReports"), boolean("isInactive"),
	)
}

// statusRefName is "CUSTOMER-Closed Won": the stage, a dash and the name.
func statusRefName(r *record) string {
	stage, _ := r.fields["stage"].(enumValue)
	return string(stage) + "-" + r.string("name")
}

func completeStatus(_ *txn, r *record) *apiError {
	r.setDefault("isInactive", false)
	r.setDefault("includeInLeadReports", false)
	return require(r, requirement{"name", "Status"}, requirement{"stage", "Stage"})
}

// seedCustomerStatuses adds the default statuses, ids from firstStatusID.
func (sd *seeder) seedCustomerStatuses() {
	sd.tx.s.nextID["customerStatus"] = firstStatusID
	for i, st := range seedStatuses {
		probability := float64(10 * (i + 1))
		if st.stage == StageCustomer {
			probability = 100
		}
		sd.add("customerStatus", map[string]any{"name": st.name, "stage": map[string]any{"id": st.stage},
			"probability": probability, "includeInLeadReports": st.stage != StageCustomer})
	}
}

// deriveStage sets a customer's read-only searchStage from its status.
func deriveStage(tx *txn, r *record) {
	delete(r.fields, "searchStage")
	status, ok := tx.target(r, "entityStatus")
	if !ok {
		return
	}
	if stage, ok := status.fields["stage"].(enumValue); ok {
		r.fields["searchStage"] = customerStages[strings.ToUpper(string(stage))]
	}
}
