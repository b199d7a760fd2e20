package main

import (
	"fmt"
	"strings"
)

// A pair is a Salesforce record and its NetSuite twin, linked by F2.
type pair struct{ sfID, nsID string }

// linkAccounts links the first n seeded accounts (by name) to NetSuite
// customers by changing each once in Salesforce, and waits for the links.
func (c *cluster) linkAccounts(n int) []pair {
	c.t.Helper()
	return c.link("Account", "Description", fmt.Sprintf("SELECT Id FROM Account ORDER BY Name LIMIT %d", n))
}

// linkContacts links the contacts of the given accounts, which must be
// linked already.
func (c *cluster) linkContacts(accounts []pair) []pair {
	c.t.Helper()
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = "'" + a.sfID + "'"
	}
	return c.link("Contact", "Title", "SELECT Id FROM Contact WHERE AccountId IN ("+strings.Join(ids, ", ")+") ORDER BY Id")
}

// link changes a field of every record the query finds, as the sales
// user, and waits until each carries its twin's id in NetSuite_Id__c.
func (c *cluster) link(object, touch, soql string) []pair {
	c.t.Helper()
	sb := c.sandboxes
	recs := sb.query(soql)
	for _, r := range recs {
		sb.sfUpdate(object, str(r, "Id"), map[string]any{touch: "linked by the test"})
	}
	c.settle()
	pairs := make([]pair, len(recs))
	for i, r := range recs {
		id := str(r, "Id")
		pairs[i] = pair{sfID: id, nsID: str(sb.sfGet(object, id, "NetSuite_Id__c"), "NetSuite_Id__c")}
		if pairs[i].nsID == "" {
			c.t.Fatalf("%s %s was not linked to a NetSuite record; archived: %v", object, id, c.archived())
		}
	}
	return pairs
}
