package main

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

func TestRunStepsThroughTheRatesAgainstTandem(t *testing.T) {
	db, rawDB := testredis.New(t), testredis.New(t)
	cfg := Config{
		Rates: []float64{200, 400}, StepDuration: 250 * time.Millisecond, Warmup: 100 * time.Millisecond, Connections: 4,
		Notifications: 2, DuplicateShare: 0.2, RedisURL: rawDB.URL(), RawDuration: 100 * time.Millisecond,
	}
	srv := tandemOn(t, db, cfg.withDefaults().Credentials)
	cfg.Targets = []string{srv.URL, srv.URL + "/"} // two targets, one written with a slash
	var out strings.Builder
	steps, err := Run(context.Background(), cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0].Sent != 50 || steps[1].Sent != 100 {
		t.Fatalf("steps %+v, want 50 then 100 requests", steps)
	}
	records, dups := 0, 0
	for _, s := range steps {
		if s.Accepted != s.Sent || s.ErrorCount() != 0 {
			t.Fatalf("step at %g/s: %d of %d accepted, errors %v", s.Rate, s.Accepted, s.Sent, s.Errors)
		}
		if s.RawPerSecond <= 0 || s.GeneratorCPU <= 0 || s.P50 <= 0 || s.P99 < s.P50 || s.Max < s.P99 {
			t.Fatalf("step at %g/s: raw %g/s, generator CPU %s, p50 %s p99 %s max %s", s.Rate, s.RawPerSecond, s.GeneratorCPU, s.P50, s.P99, s.Max)
		}
		records += s.Records
		dups += s.Duplicates
	}
	// 150 requests, 50 per endpoint; an Outbound Message holds 2 records.
	if records != 50*2+50+50 {
		t.Fatalf("%d records accepted, want 200", records)
	}
	// Tandem stores one job per record and flow of the original requests
	// only, the 20 of the warm-up (200/s for 100ms) included.
	p, unique := plan{mix: Mix{1, 1, 1}, duplicateShare: 0.2}, 0
	perRequest := map[Endpoint]int{Outbound: 2, Events: 1, NetSuite: len(jobs.NetSuiteTaskTypes("customer"))}
	for i := range uint64(20 + 150) {
		if _, dup := p.source(i); !dup {
			unique += perRequest[p.endpoint(i)]
		}
	}
	if dups == 0 || unique == records {
		t.Fatal("a 20% duplicate share sent no duplicates")
	}
	if stored := queuedTotal(t, db); stored != unique {
		t.Fatalf("%d jobs stored, want %d: one per record and flow of each original request", stored, unique)
	}
	if queuedTotal(t, rawDB) == 0 {
		t.Fatal("the baseline stored nothing in its database")
	}
	for _, want := range []string{"target/s", "ratio", "\n     200      50 ", "\n     400     100 "} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func queuedTotal(t *testing.T, db *testredis.DB) int {
	t.Helper()
	total := 0
	for _, n := range queued(t, db) {
		total += n
	}
	return total
}

func TestRunStopsSteppingUpWhenErrorsPassTheThreshold(t *testing.T) {
	// Tandem whose Redis refuses it answers 503 to every request.
	client := redis.NewClient(&redis.Options{Addr: testredis.Addr(), Username: "tandem-load-nobody", Password: "wrong"})
	defer client.Close()
	creds := Config{}.withDefaults().Credentials
	srv := httptest.NewServer(ingress(creds, jobs.NewEnqueuer(client, DefaultMaxRetry)))
	defer srv.Close()

	var out strings.Builder
	steps, err := Run(context.Background(), Config{Targets: []string{srv.URL}, Rates: []float64{100, 200, 400},
		StepDuration: 200 * time.Millisecond, Warmup: -1, Connections: 2}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 1 || steps[0].Errors["503"] != steps[0].Sent || steps[0].Sent == 0 {
		t.Fatalf("steps %+v, want one step of 503s", steps)
	}
	if !strings.Contains(out.String(), "stopped: 100.0% of requests failed at 100 req/s") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestRunRefusesATargetThatIsNotUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	_, err = Run(context.Background(), Config{Targets: []string{"http://" + ln.Addr().String()}}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "is not answering") {
		t.Fatalf("got %v", err)
	}
}

func TestBaselineRefusesADatabaseWorkersRead(t *testing.T) {
	db := testredis.New(t)
	srv := jobs.NewServer(db.AsynqOpt(), jobs.WorkerConfig{Concurrency: 1, Logger: logging.Discard()})
	if err := srv.Start(asynq.NewServeMux()); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	// The worker announces itself as it starts.
	for deadline := time.Now().Add(30 * time.Second); db.Client.ZCard(context.Background(), asynqServersKey).Val() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the worker never announced itself in Redis")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cfg := Config{RedisURL: db.URL()}.withDefaults()
	_, err := openBaseline(context.Background(), cfg, newBuilder(cfg))
	if err == nil || !strings.Contains(err.Error(), "worker(s) read the baseline's Redis database") {
		t.Fatalf("got %v", err)
	}
}
