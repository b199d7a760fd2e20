package salesorder

import (
	"context"
	"slices"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/mapping"
)

// HeaderFields are the sales order fields the order mapping writes at the
// top of the order (REST names: "entity", "tranDate", …), not its lines.
func HeaderFields(order *mapping.Mapping) []string {
	return slices.DeleteFunc(order.Writes(), func(f string) bool { return slices.Contains(order.Sublists(), f) })
}

// MapOrder is the order the flow would write for opp, read with
// OpportunitySOQL, when its account is linked (the customer the flow
// would use is the account's NetSuite_Id__c).
func MapOrder(ctx context.Context, sess *mapping.Session, order *mapping.Mapping, opp salesforce.Record) (map[string]any, error) {
	return order.Apply(ctx, sess, opp, map[string]any{"customerId": opp.String("Account.NetSuite_Id__c")})
}
