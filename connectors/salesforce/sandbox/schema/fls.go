package schema

import "strings"

// Permissionable reports whether a permission set can grant or withhold
// access to a field (field-level security). Salesforce keeps some fields
// out of it, always visible to anyone who can see the object, and refuses
// to deploy fieldPermissions for them ("You cannot deploy to a required
// field"): the record id and system fields, fields derived by the platform
// (neither createable nor updateable), required fields (Account.Name,
// Opportunity.StageName), Name, OwnerId and CurrencyIsoCode. Price book
// entries have no field-level security on their standard fields; the
// sandbox leaves Users and Chatter feed items out of it too.
func (o *Object) Permissionable(f *Field) bool {
	switch {
	case f.Required, !f.Createable && !f.Updateable:
		return false
	case strings.HasSuffix(o.Name, platformEventSuffix):
		return false // access to a platform event is by object only
	case f.Name == "Id", f.Name == "Name", f.Name == "OwnerId", f.Name == "CurrencyIsoCode":
		return false
	case o.Name == "PricebookEntry" && !f.Custom(), o.Name == "User", o.Name == "FeedItem":
		return false
	case (o.Name == "Task" || o.Name == "Event") && (f.Name == "WhoId" || f.Name == "WhatId"):
		return false // an activity's Name and Related To
	}
	return true
}
