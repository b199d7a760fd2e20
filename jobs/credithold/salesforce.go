package credithold

import (
	"context"
	"fmt"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
)

// reasonMax is Credit_Hold_Reason__c's length.
const reasonMax = 255

// account is the Salesforce Account linked to a customer.
type account struct {
	ID, OwnerID string
	Hold        bool
	Reason      string
}

// account finds the Account linked to a customer; nil (logged) when none
// is: an unlinked customer is not a failure, F2 links it later and the
// next event or sweep brings the hold.
func (f holdFlow) account(ctx context.Context, customerID string) (*account, error) {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, OwnerId, Credit_Hold__c, Credit_Hold_Reason__c FROM Account WHERE NetSuite_Id__c = '"+
		salesforce.EscapeSOQL(customerID)+"'")
	if err != nil {
		return nil, fmt.Errorf("finding the account of customer %s: %w", customerID, err)
	}
	if len(recs) == 0 {
		f.Logger.InfoContext(ctx, "credit hold: customer has no linked account; skipped", "customer", customerID)
		return nil, nil
	}
	r := recs[0]
	return &account{ID: r.String("Id"), OwnerID: r.String("OwnerId"), Hold: r.Bool("Credit_Hold__c"),
		Reason: r.String("Credit_Hold_Reason__c")}, nil
}

// setAccount writes the hold fields when they differ from the account's.
func (f holdFlow) setAccount(ctx context.Context, a *account, hold bool, reason string) error {
	reason = connectors.Snippet(reason, reasonMax-len("…")) // never cut inside a character
	if a.Hold == hold && a.Reason == reason {
		return nil
	}
	var reasonValue any = reason
	if reason == "" {
		reasonValue = nil
	}
	if err := f.Salesforce.Update(ctx, "Account", a.ID, map[string]any{"Credit_Hold__c": hold, "Credit_Hold_Reason__c": reasonValue}); err != nil {
		return fmt.Errorf("setting Credit_Hold__c %t on account %s: %w", hold, a.ID, err)
	}
	return nil
}

// openTask is the open Task of an episode; "" when there is none.
func (f holdFlow) findTask(ctx context.Context, key string, openOnly bool) (id, description string, err error) {
	soql := "SELECT Id, Description FROM Task WHERE Tandem_Key__c = '" + salesforce.EscapeSOQL(key) + "'"
	if openOnly {
		soql += " AND IsClosed = false"
	}
	recs, err := f.Salesforce.Query(ctx, soql)
	if err != nil {
		return "", "", fmt.Errorf("looking up the Task of credit hold episode %s: %w", key, err)
	}
	if len(recs) == 0 {
		return "", "", nil
	}
	return recs[0].String("Id"), recs[0].String("Description"), nil
}

// ensureTask returns the episode's Task, created for the account owner
// unless a Task with its key exists (made by a try that crashed before
// recording it).
func (f holdFlow) ensureTask(ctx context.Context, a *account, key string, facts Facts) (string, error) {
	if id, _, err := f.findTask(ctx, key, false); err != nil || id != "" {
		return id, err
	}
	t := f.Rules.Task
	fields := map[string]any{
		"OwnerId": a.OwnerID, "WhatId": a.ID, "Subject": f.Rules.text(tmplSubject, facts), "Status": t.Status,
		"Priority": t.Priority, "ActivityDate": f.Now().UTC().AddDate(0, 0, t.DueInDays).Format("2006-01-02"),
		"Tandem_Key__c": key,
	}
	if d := f.Rules.text(tmplDescription, facts); d != "" {
		fields["Description"] = d
	}
	id, err := f.Salesforce.Create(ctx, "Task", fields)
	if err != nil {
		return "", fmt.Errorf("creating the credit hold Task %s for account %s: %w", key, a.ID, err)
	}
	return id, nil
}

// releaseTask completes the episode's open Task, or comments on it, as
// the rules say.
func (f holdFlow) releaseTask(ctx context.Context, key string, facts Facts) error {
	id, description, err := f.findTask(ctx, key, true)
	if err != nil || id == "" {
		return err
	}
	fields := map[string]any{"Status": "Completed"}
	if f.Rules.Task.OnRelease == ReleaseComment {
		comment := f.Rules.text(tmplComment, facts)
		if len(description) >= len(comment) && description[len(description)-len(comment):] == comment {
			return nil // commented by an earlier try
		}
		fields = map[string]any{"Description": joinText(description, comment)}
	}
	if err := f.Salesforce.Update(ctx, "Task", id, fields); err != nil {
		return fmt.Errorf("releasing the credit hold Task %s (%s): %w", id, key, err)
	}
	return nil
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n\n" + b
}

// post makes the episode's Chatter post on the account.
func (f holdFlow) post(ctx context.Context, a *account, facts Facts) error {
	_, err := f.Salesforce.Create(ctx, "FeedItem", map[string]any{"ParentId": a.ID, "Type": "TextPost",
		"Body": f.Rules.text(tmplChatter, facts)})
	if err != nil {
		return fmt.Errorf("posting the credit hold on account %s's feed: %w", a.ID, err)
	}
	return nil
}
