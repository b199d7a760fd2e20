package salesforce_test

import (
	"context"
	"fmt"
	"log"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
)

func Example() {
	sf, err := salesforce.New(salesforce.Config{
		LoginURL:     "https://acme.my.salesforce.com",
		ClientID:     "3MVG9…",
		ClientSecret: "…",
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	res, err := sf.Upsert(ctx, "Account", "NetSuite_Id__c", "4711", map[string]any{"Name": "Acme"})
	switch {
	case connectors.IsThrottle(err): // wait connectors.RetryAfter(err), not a failure
	case connectors.IsPermanent(err): // archive with the remote error
	case err != nil: // retry with back-off
	default:
		fmt.Println(res.ID, res.Created)
	}

	opp, err := sf.Query(ctx, "SELECT Id, Account.Name, (SELECT Quantity FROM OpportunityLineItems) FROM Opportunity WHERE Id = '"+
		salesforce.EscapeSOQL("006Dn000004FMuLIAW")+"'")
	if err == nil && len(opp) == 1 {
		fmt.Println(opp[0].String("Account.Name"), len(opp[0].Children("OpportunityLineItems")))
	}
	fmt.Println(sf.Limits().Used, sf.Limits().Max)
}
