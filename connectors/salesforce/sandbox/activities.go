package sandbox

import (
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// Rules of the objects the invoice and credit-hold flows write besides the
// sales objects: FeedItem, and the custom objects of the shipped metadata.

func init() {
	rules["FeedItem"] = objectRule{before: feedItemBefore}
	for _, name := range schema.Default().Names() {
		if strings.HasSuffix(name, "__c") {
			rules[name] = objectRule{before: nameByID}
		}
	}
}

// feedItemBefore: a TextPost needs a Body (salesforce.md §10).
func feedItemBefore(_ *txn, row, _ map[string]any, _ input) *APIError {
	if body, _ := row["Body"].(string); row["Type"] == "TextPost" && strings.TrimSpace(body) == "" {
		return errRequiredMissing([]string{"Body"})
	}
	return nil
}

// nameByID: a custom object record created over the API without a Name is
// named by its id, as Salesforce does for a Text name field.
func nameByID(_ *txn, row, _ map[string]any, _ input) *APIError {
	if name, _ := row["Name"].(string); name == "" {
		row["Name"] = row["Id"]
	}
	return nil
}
