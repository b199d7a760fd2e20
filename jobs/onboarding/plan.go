package onboarding

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/salesforce"
)

// The Salesforce side: object and field names of the shipped metadata.
const (
	object   = "Onboarding__c"
	extField = "NetSuite_Customer_Id__c"
	// Onboarding__c.Status__c values Tandem sets.
	statusNew        = "New"
	statusInProgress = "In Progress"
)

// account is the Salesforce Account linked to a customer.
type account struct {
	ID, Name, OwnerID, Country, Industry string
}

// existing is an Onboarding__c already there (a retry after a crash, or
// Redis's note lost), with its Tasks' keys.
type existing struct {
	ID, ManagerID, ManagerName, Status string
	Start                              time.Time
	TaskKeys                           map[string]bool
}

// Plan is what onboarding a customer writes; the dry-run prints it.
type Plan struct {
	CustomerID, Customer, Status, Stage string
	Skip                                string // why nothing starts; "" = it starts

	Account       *account
	OpportunityID string
	Amount        float64
	Existing      *existing

	Manager    user
	AssignedBy string // the rule's name, or round-robin (slot N)
	Start      time.Time
	Tasks      []plannedTask
	Post       string // the Chatter post's body, when notify.via is chatter and it is not posted yet

	created int // Tasks created by this run
}

type plannedTask struct {
	Key, Subject, Description, OwnerID, Priority string
	Due                                          time.Time
	Exists                                       bool
}

// TaskKey is the Tandem_Key__c of a customer's step (1-based) or of the
// owner's note ("notify").
func TaskKey(customerID, step string) string { return "onboarding:" + customerID + ":" + step }

// plan reads everything onboarding a customer needs. dryRun peeks at the
// round-robin instead of drawing a slot, so it writes nothing at all.
func (f *flow) plan(ctx context.Context, customerID string, dryRun bool) (*Plan, error) {
	p := &Plan{CustomerID: customerID}
	if err := f.confirmed(ctx, p); err != nil || p.Skip != "" {
		return p, err
	}
	var err error
	if p.Account, err = f.account(ctx, customerID); err != nil {
		return p, err
	}
	if p.Account == nil {
		if dryRun {
			p.Skip = "no Account is linked to the customer yet (it starts once one is)"
			return p, nil
		}
		return p, fmt.Errorf("onboarding customer %s: %w", customerID, ErrNotLinked)
	}
	if p.Existing, err = f.existing(ctx, customerID); err != nil {
		return p, err
	}
	if p.OpportunityID, p.Amount, err = f.wonOpportunity(ctx, p.Account.ID); err != nil {
		return p, err
	}
	if err := f.assign(ctx, p, dryRun); err != nil {
		return p, err
	}
	p.Start = f.Now().UTC().Truncate(24 * time.Hour)
	if p.Existing != nil && !p.Existing.Start.IsZero() {
		p.Start = p.Existing.Start
	}
	facts := Facts{Customer: p.Customer, CustomerID: customerID, Account: p.Account.Name, Manager: p.Manager.Name}
	for i, s := range f.Config.Sequence {
		t := plannedTask{Key: TaskKey(customerID, fmt.Sprint(i+1)), Subject: text(s.subject, facts),
			Description: text(s.description, facts), OwnerID: p.Manager.ID, Priority: s.Priority, Due: s.due.from(p.Start)}
		if s.Owner == OwnerAccountOwner {
			t.OwnerID = p.Account.OwnerID
		}
		p.Tasks = append(p.Tasks, t)
	}
	n := f.Config.Notify
	switch n.Via {
	case NotifyTask:
		p.Tasks = append(p.Tasks, plannedTask{Key: TaskKey(customerID, "notify"), Subject: text(n.subject, facts),
			OwnerID: p.Account.OwnerID, Due: n.due.from(p.Start)})
	case NotifyChatter:
		body := text(n.subject, facts)
		posted, err := f.posted(ctx, p.Account.ID, body)
		if err != nil {
			return p, err
		}
		if !posted {
			p.Post = body
		}
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		t.Exists = p.Existing != nil && p.Existing.TaskKeys[t.Key]
		if t.Priority == "" {
			t.Priority = f.Config.Task.Priority
		}
	}
	return p, nil
}

func (f *flow) account(ctx context.Context, customerID string) (*account, error) {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, Name, OwnerId, BillingCountry, Industry FROM Account WHERE NetSuite_Id__c = '"+
		salesforce.EscapeSOQL(customerID)+"'")
	if err != nil {
		return nil, fmt.Errorf("finding the account of customer %s: %w", customerID, err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	r := recs[0]
	return &account{ID: r.String("Id"), Name: r.String("Name"), OwnerID: r.String("OwnerId"),
		Country: r.String("BillingCountry"), Industry: r.String("Industry")}, nil
}

func (f *flow) existing(ctx context.Context, customerID string) (*existing, error) {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, Manager__c, Manager__r.Name, Status__c, Start_Date__c, "+
		"(SELECT Id, Tandem_Key__c FROM Tasks) FROM "+object+" WHERE "+extField+" = '"+salesforce.EscapeSOQL(customerID)+"'")
	if err != nil {
		return nil, fmt.Errorf("looking up the onboarding of customer %s: %w", customerID, err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	r := recs[0]
	e := &existing{ID: r.String("Id"), ManagerID: r.String("Manager__c"), ManagerName: r.String("Manager__r.Name"),
		Status: r.String("Status__c"), TaskKeys: map[string]bool{}}
	e.Start, _ = time.Parse(time.DateOnly, r.String("Start_Date__c"))
	for _, t := range r.Children("Tasks") {
		e.TaskKeys[t.String("Tandem_Key__c")] = true
	}
	return e, nil
}

// wonOpportunity is the Account's latest won Opportunity that became a
// sales order; "" when there is none.
func (f *flow) wonOpportunity(ctx context.Context, accountID string) (string, float64, error) {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, Amount FROM Opportunity WHERE AccountId = '"+salesforce.EscapeSOQL(accountID)+
		"' AND IsWon = true AND NetSuite_Sales_Order_Id__c != null ORDER BY CloseDate DESC LIMIT 1")
	if err != nil {
		return "", 0, fmt.Errorf("finding the won opportunity of account %s: %w", accountID, err)
	}
	if len(recs) == 0 {
		return "", 0, nil
	}
	amount, _ := recs[0].Float("Amount")
	return recs[0].String("Id"), amount, nil
}

// assign chooses the manager: the one already on the record, else by the
// first matching rule or the round-robin, over active managers only.
func (f *flow) assign(ctx context.Context, p *Plan, dryRun bool) error {
	if e := p.Existing; e != nil && e.ManagerID != "" {
		p.Manager, p.AssignedBy = user{ID: e.ManagerID, Name: e.ManagerName, Active: true}, "already assigned"
		return nil
	}
	byID, err := f.users.get(ctx)
	if err != nil {
		return err
	}
	pool, ids := f.Config.pick(p.Account, p.Amount)
	candidates := active(ids, byID)
	if len(candidates) == 0 && pool != poolDefault {
		f.Logger.WarnContext(ctx, "onboarding: every manager of the rule is inactive; using the round-robin", "rule", pool)
		pool, candidates = poolDefault, active(f.Config.Managers, byID)
	}
	if len(candidates) == 0 {
		return fmt.Errorf("onboarding customer %s: every configured manager is inactive in Salesforce", p.CustomerID)
	}
	drawOrPeek := draw
	if dryRun {
		drawOrPeek = peek
	}
	slot, err := drawOrPeek(ctx, f.Redis, pool, p.CustomerID)
	if err != nil {
		return err
	}
	p.Manager = candidates[slot%int64(len(candidates))]
	p.AssignedBy = fmt.Sprintf("round-robin (slot %d)", slot)
	if pool != poolDefault {
		p.AssignedBy = "rule " + pool
		if len(candidates) > 1 {
			p.AssignedBy += fmt.Sprintf(", round-robin (slot %d)", slot)
		}
	}
	return nil
}

// posted reports whether the Account's feed already has the post (a post
// made by a try that crashed before recording it).
func (f *flow) posted(ctx context.Context, accountID, body string) (bool, error) {
	recs, err := f.Salesforce.Query(ctx, "SELECT Id, Body FROM FeedItem WHERE ParentId = '"+salesforce.EscapeSOQL(accountID)+"'")
	if err != nil {
		return false, fmt.Errorf("reading account %s's feed: %w", accountID, err)
	}
	for _, r := range recs {
		if r.String("Body") == body {
			return true, nil
		}
	}
	return false, nil
}

// nameMax is Onboarding__c.Name's length.
const nameMax = 80

// write upserts the record, then creates the missing Tasks, the post and
// the status in Composite calls; it returns the record's id.
func (f *flow) write(ctx context.Context, p *Plan) (string, error) {
	id := ""
	status := statusNew
	if p.Existing != nil {
		id, status = p.Existing.ID, p.Existing.Status
	} else {
		fields := map[string]any{"Name": connectors.Snippet("Onboarding: "+p.Account.Name, nameMax-len("…")),
			"Account__c": p.Account.ID, "Manager__c": p.Manager.ID, "Status__c": statusNew,
			"Start_Date__c": p.Start.Format(time.DateOnly), "Assigned_By__c": connectors.Snippet(p.AssignedBy, nameMax-len("…"))}
		if p.OpportunityID != "" {
			fields["Opportunity__c"] = p.OpportunityID
		}
		res, err := f.Salesforce.Upsert(ctx, object, extField, p.CustomerID, fields)
		if err == nil {
			err = res.Err()
		}
		if err != nil {
			return "", fmt.Errorf("upserting the onboarding of customer %s: %w", p.CustomerID, err)
		}
		id = res.ID
	}
	var subs []salesforce.Subrequest
	for _, t := range p.Tasks {
		if t.Exists {
			continue
		}
		fields := map[string]any{"Subject": t.Subject, "OwnerId": t.OwnerID, "WhatId": id, "Status": f.Config.Task.Status,
			"Priority": t.Priority, "ActivityDate": t.Due.Format(time.DateOnly), "Tandem_Key__c": t.Key}
		if t.Description != "" {
			fields["Description"] = t.Description
		}
		subs = append(subs, salesforce.Subrequest{Method: http.MethodPost, Path: "/sobjects/Task", ReferenceID: refID(t.Key), Body: fields})
	}
	if p.Post != "" {
		subs = append(subs, salesforce.Subrequest{Method: http.MethodPost, Path: "/sobjects/FeedItem", ReferenceID: "post",
			Body: map[string]any{"ParentId": p.Account.ID, "Type": "TextPost", "Body": p.Post}})
	}
	if status != statusInProgress {
		subs = append(subs, salesforce.Subrequest{Method: http.MethodPatch, Path: "/sobjects/" + object + "/" + id,
			ReferenceID: "status", Body: map[string]any{"Status__c": statusInProgress}})
	}
	for chunk := range slices.Chunk(subs, salesforce.MaxCompositeSubrequests) {
		res, err := f.Salesforce.Composite(ctx, chunk)
		if err != nil {
			return "", fmt.Errorf("writing the onboarding sequence of customer %s: %w", p.CustomerID, err)
		}
		var errs []error
		for _, r := range res {
			if r.Err != nil {
				errs = append(errs, fmt.Errorf("onboarding of customer %s: %s: %w", p.CustomerID, r.ReferenceID, r.Err))
			} else if strings.HasPrefix(r.ReferenceID, "task_") {
				p.created++
			}
		}
		if err := errors.Join(errs...); err != nil {
			return "", err
		}
	}
	return id, nil
}

// refID is a Composite reference id for a Task key (letters, digits and
// underscores only).
func refID(key string) string {
	return "task_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, key)
}
