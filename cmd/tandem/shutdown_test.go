package main

import (
	"strings"
	"testing"
	"time"
)

// TestGracefulShutdownMidLoad closes 200 deals through separate serve and
// work processes while serve and then one of two workers get SIGTERM and
// are started again. Each must exit cleanly; whatever serve refused while
// down, Salesforce re-sends; jobs a stopping worker did not finish in its
// (short) shutdown timeout run on the other. At the end every deal has
// exactly one sales order with its lines, and nothing is archived.
func TestGracefulShutdownMidLoad(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts Redis and four Tandem processes")
	}
	c := startCluster(t, clusterConfig{workers: 2, shutdownTimeout: time.Second})
	deals := c.sandboxes.createDeals(200)
	c.settle()
	for i, d := range deals {
		c.sandboxes.closeWon(d.id)
		switch i {
		case len(deals) / 3:
			c.restartServe()
		case 2 * len(deals) / 3:
			c.restartWorker(0)
		}
	}
	c.settle()

	check := checkSalesOrders(c.sandboxes.nsList("salesOrder"), deals)
	if check.found != len(deals) || check.duplicates != 0 {
		t.Errorf("%d deals: %d with their sales order, %d duplicates, missing %v, wrong %v",
			len(deals), check.found, check.duplicates, check.missing, check.wrong)
	}
	for _, a := range c.archived() {
		t.Errorf("archived %s %s: %s", a.Type, a.ID, a.LastErr)
	}
	if !strings.Contains(c.workers[0].Logs(), "Starting graceful shutdown") {
		t.Error("the worker did not shut down gracefully")
	}
}
