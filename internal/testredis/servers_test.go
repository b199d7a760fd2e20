package testredis_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tandem-sync/tandem/internal/testredis"
)

func TestClusterServesEverySlot(t *testing.T) {
	c := testredis.StartCluster(t, 3)
	client := c.NewClient(t)
	ctx := context.Background()
	for i := range 100 { // keys spread over all three nodes
		if err := client.Set(ctx, fmt.Sprint("k", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := client.DBSize(ctx).Result(); err != nil || n != 100 { // DBSIZE sums every master
		t.Fatalf("DBSIZE = %d, %v; want 100", n, err)
	}
}

func TestSentinelFailoverKeepsAcknowledgedWrites(t *testing.T) {
	s := testredis.StartSentinel(t)
	client := s.NewClient(t)
	ctx := context.Background()
	for i := range 100 {
		if err := client.Set(ctx, fmt.Sprint("k", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	before := s.Master()
	after := s.Failover(t)
	if after == before {
		t.Fatalf("master still %s after the failover", after)
	}
	if err := client.Set(ctx, "after", 1, 0).Err(); err != nil {
		t.Fatalf("writing after the failover: %v", err)
	}
	if n, err := client.DBSize(ctx).Result(); err != nil || n != 101 {
		t.Fatalf("DBSIZE on the new master = %d, %v; want 101", n, err)
	}
}
