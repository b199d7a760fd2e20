// Package accountsync is the flow that keeps a Salesforce record and its
// NetSuite twin in step, both ways: accounts and customers, contacts and
// NetSuite contacts (the pair kinds of sync_rules.yaml). A record without
// a twin is matched (match.go) before anything is created.
//
// Each pair's fields are split into groups (name, phone and web,
// addresses, terms, owner…); for each group Tandem remembers a hash of the
// value both sides last agreed on (the base, state.go). A change event is
// then a three-way merge per group (merge.go):
//
//	neither side moved from the base  → nothing to do (an echo of Tandem's own write)
//	one side moved                    → it wins, unless the other side is the group's master
//	both moved to different values    → the master wins, else the later modification, else the tie-break
//
// Values are compared in Salesforce's field space: the Salesforce record as
// read, the NetSuite record through the customer_to_account mapping.
package accountsync
