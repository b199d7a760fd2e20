package onboarding

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DryRun plans a customer's onboarding without writing anything: who
// would be assigned and which Tasks would be created (Redis nil: the
// round-robin cursor is taken as 0).
func DryRun(ctx context.Context, d Deps, customerID string) (*Plan, error) {
	return newFlow(d).plan(ctx, customerID, true)
}

// String is the plan as `tandem onboarding dry-run` prints it.
func (p *Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "customer %s %s: status %q, stage %s\n", p.CustomerID, p.Customer, p.Status, p.Stage)
	if p.Skip != "" {
		fmt.Fprintf(&b, "nothing would start: %s\n", p.Skip)
		return b.String()
	}
	fmt.Fprintf(&b, "account %s %s (owner %s)\n", p.Account.ID, p.Account.Name, p.Account.OwnerID)
	if p.OpportunityID != "" {
		fmt.Fprintf(&b, "won opportunity %s (amount %.2f)\n", p.OpportunityID, p.Amount)
	}
	if p.Existing != nil {
		fmt.Fprintf(&b, "onboarding %s exists (status %s)\n", p.Existing.ID, p.Existing.Status)
	} else {
		fmt.Fprintf(&b, "would create Onboarding__c %s = %s, starting %s\n", extField, p.CustomerID, p.Start.Format(time.DateOnly))
	}
	fmt.Fprintf(&b, "manager %s %s (%s)\n", p.Manager.ID, p.Manager.Name, p.AssignedBy)
	for _, t := range p.Tasks {
		verb := "would create"
		if t.Exists {
			verb = "exists     "
		}
		fmt.Fprintf(&b, "  %s Task %-24s due %s owner %s priority %s: %s\n", verb, t.Key, t.Due.Format(time.DateOnly), t.OwnerID, t.Priority, t.Subject)
	}
	if p.Post != "" {
		fmt.Fprintf(&b, "  would post on the account: %s\n", p.Post)
	}
	return b.String()
}

// Summary describes a checked config for `tandem onboarding check`.
func (c *Config) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ok\n", c.name)
	fmt.Fprintf(&b, "  trigger: stages %v, statuses %v\n", c.Trigger.Stages, c.Trigger.Statuses)
	fmt.Fprintf(&b, "  managers: %d in the round-robin, %d rules\n", len(c.Managers), len(c.Rules))
	fmt.Fprintf(&b, "  sequence: %d Tasks; the account owner is told by %s\n", len(c.Sequence), c.Notify.Via)
	return b.String()
}
