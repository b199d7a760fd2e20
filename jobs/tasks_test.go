package jobs

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/internal/testredis"
)

func TestEnqueueDedupsByTaskID(t *testing.T) {
	enqueueDedupsByTaskID(t, testredis.New(t).AsynqOpt())
}

func enqueueDedupsByTaskID(t *testing.T, opt asynq.RedisConnOpt) {
	e := NewEnqueuer(testredis.ClientFor(t, opt), 5)
	ctx := context.Background()
	id := OutboundTaskID(TypeOpportunityToSalesOrder, "00D5e000000TNDMEA4", "04l5e00000AbCdEAAV")
	if id != OutboundTaskID(TypeOpportunityToSalesOrder, "00D5e000000TNDM", "04l5e00000AbCdEAAV") {
		t.Error("15- and 18-character org ids must give the same task id")
	}
	ch := Change{Object: "Opportunity", RecordID: "0065e00000GkQ1xAAF", EventID: "04l5e00000AbCdEAAV"}
	for i, wantDup := range []bool{false, true, true} {
		dup, err := e.Enqueue(ctx, TypeOpportunityToSalesOrder, id, ch)
		if err != nil || dup != wantDup {
			t.Fatalf("enqueue %d: dup=%v err=%v, want dup=%v", i+1, dup, err, wantDup)
		}
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	info, err := insp.GetTaskInfo(QueueSalesforceToNetSuite, id)
	if err != nil {
		t.Fatal(err)
	}
	if info.MaxRetry != 5 || info.Retention != DedupRetention || info.Timeout != taskTimeout {
		t.Errorf("task options: max retry %d, retention %s, timeout %s", info.MaxRetry, info.Retention, info.Timeout)
	}
	var got Change
	if err := json.Unmarshal(info.Payload, &got); err != nil || got.RecordID != ch.RecordID {
		t.Errorf("payload %s: %v", info.Payload, err)
	}
}

func TestDecodeChangeRefusesBadPayloads(t *testing.T) {
	for _, payload := range []string{"not json", `{"object":"Opportunity"}`} {
		if _, err := decodeChange(asynq.NewTask(TypeOpportunityToSalesOrder, []byte(payload))); err == nil || !isSkipRetry(err) {
			t.Errorf("payload %q: err %v, want a permanent error", payload, err)
		}
	}
}
