package credithold

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
)

// reasonMax is Credit_Hold_Reason__c's length.
const reasonMax = 255

// The Account fields the flow writes; no other flow or mapping may.
const (
	FieldHold   = "Credit_Hold__c"
	FieldReason = "Credit_Hold_Reason__c"
)

// AccountFields are the Account fields only this flow writes.
var AccountFields = []string{FieldHold, FieldReason}

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
	if err := f.Salesforce.Update(ctx, "Account", a.ID, map[string]any{FieldHold: hold, FieldReason: reasonValue}); err != nil {
		return fmt.Errorf("setting Credit_Hold__c %t on account %s: %w", hold, a.ID, err)
	}
	return nil
}

// findTask is the open Task of an episode; "" when there is none.
func (f holdFlow) findTask(ctx context.Context, key string) (id, description string, err error) {
	soql := "SELECT Id, Description FROM Task WHERE Tandem_Key__c = '" + salesforce.EscapeSOQL(key) + "' AND IsClosed = false"
	recs, err := f.Salesforce.Query(ctx, soql)
	if err != nil {
		return "", "", fmt.Errorf("looking up the Task of credit hold episode %s: %w", key, err)
	}
	if len(recs) == 0 {
		return "", "", nil
	}
	return recs[0].String("Id"), recs[0].String("Description"), nil
}

// ensureTask gives the episode its Task. First it looks, in one query,
// for an open hold Task of this customer on the account: one a try made
// and crashed before recording, or the open episode's Task when the
// episode state in Redis was lost (which restarts the count, so the Task's
// own key is what tells its episode). Such a Task is adopted, with its
// episode number, and a Task is created only when there is none. A Task
// left open on release (on_release: comment) is not open for adoption.
func (f holdFlow) ensureTask(ctx context.Context, a *account, ep *episode, facts Facts) error {
	prefix := episodeKeyPrefix(facts.CustomerID)
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, Tandem_Key__c, Description, CreatedDate FROM Task WHERE WhatId = '"+
		salesforce.EscapeSOQL(a.ID)+"' AND IsClosed = false AND Tandem_Key__c LIKE '"+salesforce.EscapeSOQL(prefix)+"%'")
	if err != nil {
		return fmt.Errorf("looking up an open credit hold Task of customer %s: %w", facts.CustomerID, err)
	}
	for _, r := range recs {
		n, err := strconv.Atoi(strings.TrimPrefix(r.String("Tandem_Key__c"), prefix))
		if err != nil || f.released(r.String("Description"), facts) {
			continue
		}
		f.Logger.InfoContext(ctx, "credit hold: adopted the open Task of the episode", "customer", facts.CustomerID,
			"task", r.String("Id"), "episode", n, "episode_in_redis", ep.Number)
		ep.Number, ep.TaskID = n, r.String("Id")
		if f.Rules.Chatter.Enabled && !ep.Posted {
			ep.Posted, err = f.postedSince(ctx, a, r.String("CreatedDate"))
		}
		return err
	}
	t := f.Rules.Task
	fields := map[string]any{
		"OwnerId": a.OwnerID, "WhatId": a.ID, "Subject": f.Rules.text(tmplSubject, facts), "Status": t.Status,
		"Priority": t.Priority, "ActivityDate": f.Now().UTC().AddDate(0, 0, t.DueInDays).Format("2006-01-02"),
		"Tandem_Key__c": episodeKey(facts.CustomerID, ep.Number),
	}
	if d := f.Rules.text(tmplDescription, facts); d != "" {
		fields["Description"] = d
	}
	id, err := f.Salesforce.Create(ctx, "Task", fields)
	if err != nil {
		return fmt.Errorf("creating the credit hold Task %s for account %s: %w", fields["Tandem_Key__c"], a.ID, err)
	}
	ep.TaskID = id
	return nil
}

// released reports a Task description that ends with the release comment.
func (f holdFlow) released(description string, facts Facts) bool {
	if f.Rules.Task.OnRelease != ReleaseComment {
		return false
	}
	return strings.HasSuffix(description, f.Rules.text(tmplComment, facts))
}

// postedSince reports whether the account's feed has a post made when or
// after an adopted Task was created: the episode's post, which follows its
// Task, so an episode whose state was lost is not announced twice.
func (f holdFlow) postedSince(ctx context.Context, a *account, taskCreated string) (bool, error) {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, CreatedDate FROM FeedItem WHERE ParentId = '"+salesforce.EscapeSOQL(a.ID)+
		"' ORDER BY CreatedDate DESC LIMIT 1")
	if err != nil {
		return false, fmt.Errorf("looking for the credit hold post on account %s: %w", a.ID, err)
	}
	if len(recs) == 0 {
		return false, nil
	}
	posted, err1 := time.Parse(sfTimeLayout, recs[0].String("CreatedDate"))
	created, err2 := time.Parse(sfTimeLayout, taskCreated)
	return err1 == nil && err2 == nil && !posted.Before(created), nil
}

// sfTimeLayout is how Salesforce's REST API writes datetimes.
const sfTimeLayout = "2006-01-02T15:04:05.000-0700"

// releaseTask completes the episode's open Task, or comments on it, as
// the rules say.
func (f holdFlow) releaseTask(ctx context.Context, key string, facts Facts) error {
	id, description, err := f.findTask(ctx, key)
	if err != nil || id == "" {
		return err
	}
	fields := map[string]any{"Status": "Completed"}
	if f.Rules.Task.OnRelease == ReleaseComment {
		if f.released(description, facts) {
			return nil // commented by an earlier try
		}
		comment := f.Rules.text(tmplComment, facts)
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
