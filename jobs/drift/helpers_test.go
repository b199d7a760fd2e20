package drift

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/internal/testorgs"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/catalog"
	"github.com/tandem-sync/tandem/jobs/invoices"
	"github.com/tandem-sync/tandem/jobs/salesorder"
	"github.com/tandem-sync/tandem/mapping"
)

// orgs are both sandboxes served over HTTP (no webhook or Outbound Message
// URL set: every change made in them is one Tandem never hears of),
// Tandem's clients of them, a Redis database of the test's own and the
// accountsync and catalog flows' handlers, run by hand.
type orgs struct {
	ns   *nssandbox.Server
	nsc  *netsuite.Client
	sf   *sfsandbox.Server
	sfc  *salesforce.Client
	db   *testredis.DB
	enq  *jobs.Enqueuer
	maps *mapping.Set
	mux  *asynq.ServeMux
}

func newOrgs(t testing.TB) *orgs {
	t.Helper()
	o := &orgs{db: testredis.New(t)}
	o.enq = jobs.NewEnqueuer(o.db.Client, 3)
	ns, nsURL, sf, sfURL, stop, err := testorgs.Serve(nssandbox.Config{ConcurrencyLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	o.ns, o.sf = ns, sf
	o.nsc, o.sfc = testorgs.Clients(t, nsURL, sfURL)
	if o.maps, err = mapping.Load(mapping.Config{}); err != nil {
		t.Fatal(err)
	}
	catalogCfg := catalog.Config{ItemTypes: []string{"InvtPart", "NonInvtPart", "Service"}, PriceLevels: []string{"1"}, Currencies: []string{"USD"}}
	if o.mux, err = jobs.NewMux(o.flowDeps(), accountsync.Flow(accountsync.Options{}), catalog.Flow(catalogCfg), invoices.Flow(), salesorder.Flow()); err != nil {
		t.Fatal(err)
	}
	return o
}

func (o *orgs) flowDeps() jobs.FlowDeps {
	return jobs.FlowDeps{Salesforce: o.sfc, NetSuite: o.nsc, Finder: jobs.ConnectorFinder{Salesforce: o.sfc, NetSuite: o.nsc},
		Mappings: o.maps, Redis: o.db.Client, Logger: slog.Default()}
}

func (o *orgs) auditor(t testing.TB, heal bool) *Auditor {
	t.Helper()
	d := o.flowDeps()
	a, err := NewAuditor(Deps{Salesforce: o.sfc, NetSuite: o.nsc, Finder: d.Finder, Mappings: o.maps, Enqueuer: o.enq,
		Redis: o.db.Client, Logger: slog.Default()}, Config{AccountID: nssandbox.DefaultAccountID, Heal: heal})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// run runs a job of the flow as a worker would.
func (o *orgs) run(t testing.TB, taskType string, ch jobs.Change) {
	t.Helper()
	ch.CorrelationID = "test-" + ch.RecordID
	payload, err := json.Marshal(ch)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.mux.ProcessTask(context.Background(), asynq.NewTask(taskType, payload)); err != nil {
		t.Fatalf("%s %s: %v", taskType, ch.RecordID, err)
	}
}

// linkedCustomers puts n customers in NetSuite, each with a contact, and
// syncs them to Salesforce as the webhooks' jobs would: n linked account
// pairs and n linked contact pairs, in step. It returns the customer ids.
func (o *orgs) linkedCustomers(t testing.TB, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		id, err := o.ns.Put("customer", map[string]any{"companyName": fmt.Sprintf("Drift Test %02d", i), "subsidiary": map[string]any{"id": "1"},
			"url": fmt.Sprintf("https://drift%02d.example", i), "phone": "+1 415 555 01" + fmt.Sprintf("%02d", i)})
		if err != nil {
			t.Fatal(err)
		}
		o.run(t, jobs.TypeCustomerToAccount, jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "customer", RecordID: id})
		contact, err := o.ns.Put("contact", map[string]any{"firstName": "Ada", "lastName": fmt.Sprintf("Drift%02d", i),
			"email": fmt.Sprintf("ada%02d@drift.example", i), "company": map[string]any{"id": id}, "subsidiary": map[string]any{"id": "1"}})
		if err != nil {
			t.Fatal(err)
		}
		o.run(t, jobs.TypeNSContactToContact, jobs.Change{Source: jobs.SourceNetSuiteWebhook, Object: "contact", RecordID: contact})
		ids[i] = id
	}
	return ids
}

// account is the Salesforce account linked to a customer.
func (o *orgs) account(t *testing.T, customerID string) salesforce.Record {
	t.Helper()
	recs, err := o.sfc.Query(context.Background(), "SELECT Id, Name, Website FROM Account WHERE NetSuite_Id__c = '"+customerID+"'")
	if err != nil || len(recs) != 1 {
		t.Fatalf("the account of customer %s: %d records, %v", customerID, len(recs), err)
	}
	return recs[0]
}

// pending are the tasks of a type ("": any) waiting in a queue.
func (o *orgs) pending(t *testing.T, queue, taskType string) []*asynq.TaskInfo {
	t.Helper()
	tasks, err := asynq.NewInspectorFromRedisClient(o.db.Client).ListPendingTasks(queue)
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(tasks, func(ti *asynq.TaskInfo) bool { return taskType != "" && ti.Type != taskType })
}
