package jobs

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/internal/testredis"
)

func TestEchoGuardRemembersWhatWasWritten(t *testing.T) {
	echoGuardRemembers(t, testredis.New(t).Client)
}

func echoGuardRemembers(t *testing.T, rdb redis.UniversalClient) {
	g := NewEchoGuard(rdb)
	ctx := context.Background()
	target := "netsuite:salesOrder:SFOPP-006000000000001AAA"
	if _, ok, err := g.Last(ctx, target); err != nil || ok {
		t.Fatalf("fresh target: ok=%v err=%v", ok, err)
	}
	payload := map[string]any{"memo": "Globex", "item": map[string]any{"items": []any{map[string]any{"item": map[string]any{"id": "1001"}, "quantity": 2.0}}}}
	h1, _ := PayloadHash(payload)
	same := map[string]any{"item": map[string]any{"items": []any{map[string]any{"quantity": 2.0, "item": map[string]any{"id": "1001"}}}}, "memo": "Globex"}
	h2, _ := PayloadHash(same)
	if h1 != h2 {
		t.Fatal("the same payload built in another order hashes differently")
	}
	payload["memo"] = "Globex (amended)"
	if h3, _ := PayloadHash(payload); h3 == h1 {
		t.Fatal("a changed payload hashes the same")
	}
	if err := g.Remember(ctx, target, WriteMemo{Hash: h1, ID: "5000", Number: "SO1"}); err != nil {
		t.Fatal(err)
	}
	m, ok, err := g.Last(ctx, target)
	if err != nil || !ok || m != (WriteMemo{Hash: h1, ID: "5000", Number: "SO1"}) {
		t.Fatalf("Last = %+v %v %v", m, ok, err)
	}
	if ttl := rdb.TTL(ctx, echoKey(target)).Val(); ttl <= 0 || ttl > EchoTTL {
		t.Errorf("memo TTL %s, want (0, %s]", ttl, EchoTTL)
	}
	rdb.Set(ctx, echoKey(target), "not json", 0)
	if _, ok, err := g.Last(ctx, target); err != nil || ok {
		t.Errorf("an unreadable memo must count as none: ok=%v err=%v", ok, err)
	}
}
