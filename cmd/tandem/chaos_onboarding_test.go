package main

import (
	"fmt"
	"math/rand/v2"
	"slices"

	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/jobs/onboarding"
)

// onboardingSource is the onboarding flow's part of the stream: new
// customers made in NetSuite, some confirmed at once, some as prospects
// confirmed later, and statuses re-sent. F2 links each to a new Account;
// the check is one onboarding (record and five Tasks) per confirmed
// customer and none for a prospect: a second record or Task is a duplicate.
type onboardingSource struct {
	confirmed, prospects []string // NetSuite customer ids
	made                 int
}

func (s *onboardingSource) newRound(*rand.Rand) {}

func (s *onboardingSource) send(sb *remoteSandboxes, rng *rand.Rand, _ int) (string, bool) {
	status := func(id string) map[string]any { return map[string]any{"id": id} }
	switch pick := rng.IntN(10); {
	case pick < 2 && len(s.prospects) > 0:
		i := rng.IntN(len(s.prospects))
		id := s.prospects[i]
		s.prospects = slices.Delete(s.prospects, i, i+1)
		sb.nsPut("customer", map[string]any{"id": id, "entityStatus": status(nssandbox.StatusClosedWon)})
		s.confirmed = append(s.confirmed, id)
		return "prospect confirmed in NetSuite", true
	case pick < 4 && len(s.confirmed) > 0:
		sb.nsPut("customer", map[string]any{"id": s.confirmed[rng.IntN(len(s.confirmed))], "entityStatus": status(nssandbox.StatusClosedWon)})
		return "customer status re-sent in NetSuite", true
	}
	s.made++
	prospect := rng.IntN(3) == 0
	body := map[string]any{"companyName": fmt.Sprintf("Chaos New Customer %03d", s.made), "subsidiary": map[string]any{"id": "1"},
		"entityStatus": status(nssandbox.StatusClosedWon)}
	if prospect {
		body["entityStatus"] = status(nssandbox.StatusInNegotiation)
	}
	id := sb.nsPut("customer", body)
	if prospect {
		s.prospects = append(s.prospects, id)
		return "new prospect in NetSuite", true
	}
	s.confirmed = append(s.confirmed, id)
	return "new customer confirmed in NetSuite", true
}

func (s *onboardingSource) check(sb *remoteSandboxes) sourceCheck {
	records := byField(sb.query("SELECT Id, NetSuite_Customer_Id__c, Manager__c FROM Onboarding__c"), "NetSuite_Customer_Id__c")
	tasks := byField(sb.query("SELECT Id, Tandem_Key__c FROM Task WHERE Tandem_Key__c LIKE 'onboarding:%'"), "Tandem_Key__c")
	c := sourceCheck{duplicates: beyondFirst(records) + beyondFirst(tasks)}
	for _, id := range s.prospects {
		c.duplicates += len(records[id]) // a prospect onboarded
	}
	for _, id := range s.confirmed {
		problem := ""
		switch {
		case len(records[id]) == 0:
			problem = "no Onboarding__c"
		case !slices.Contains(activeManagers(), str(records[id][0], "Manager__c")):
			problem = "manager " + str(records[id][0], "Manager__c") + " is not an active manager"
		}
		for _, step := range []string{"1", "2", "3", "4", "notify"} {
			if problem == "" && len(tasks[onboarding.TaskKey(id, step)]) == 0 {
				problem = "no Task " + step
			}
		}
		c.expect(problem, "onboarding of customer "+id)
	}
	return c
}
