package jobs

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
)

// TestNewMuxRoutesEveryFlowAndRefusesATaskTypeClaimedTwice: the worker's
// mux is the flows' handlers together; two flows cannot both handle one
// task type, and a flow that cannot start stops the worker, named.
func TestNewMuxRoutesEveryFlowAndRefusesATaskTypeClaimedTwice(t *testing.T) {
	ran := ""
	flow := func(name string, types ...string) Flow {
		return Flow{Name: name, Handlers: func(FlowDeps) (map[string]asynq.Handler, error) {
			hs := map[string]asynq.Handler{}
			for _, tt := range types {
				hs[tt] = asynq.HandlerFunc(func(context.Context, *asynq.Task) error { ran = name; return nil })
			}
			return hs, nil
		}}
	}
	mux, err := NewMux(FlowDeps{}, flow("one", TypeOpportunityToSalesOrder), flow("two", TypeAccountToCustomer, TypeCustomerToAccount))
	if err != nil {
		t.Fatal(err)
	}
	for taskType, want := range map[string]string{TypeOpportunityToSalesOrder: "one", TypeCustomerToAccount: "two"} {
		if err := mux.ProcessTask(context.Background(), asynq.NewTask(taskType, nil)); err != nil || ran != want {
			t.Errorf("%s ran flow %q (%v), want %q", taskType, ran, err, want)
		}
	}
	if _, err := NewMux(FlowDeps{}, flow("one", TypeAccountToCustomer), flow("two", TypeAccountToCustomer)); err == nil ||
		!strings.Contains(err.Error(), "already handled by flow one") {
		t.Errorf("a task type claimed twice: %v", err)
	}
	broken := Flow{Name: "broken", Handlers: func(FlowDeps) (map[string]asynq.Handler, error) { return nil, errors.New("no mapping") }}
	if _, err := NewMux(FlowDeps{}, broken); err == nil || err.Error() != "flow broken: no mapping" {
		t.Errorf("a flow that cannot start: %v", err)
	}
}
