package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
)

func TestRetryPolicy(t *testing.T) {
	throttled := &connectors.ThrottleError{System: "netsuite", Reason: "CONCURRENCY_LIMIT_EXCEEDED", Wait: 3 * time.Second}
	nsInvalid := &netsuite.APIError{Status: http.StatusBadRequest, Details: []netsuite.ErrorDetail{{Code: "INVALID_CONTENT", Detail: "Invalid Field Value 99 for the following field: item"}}}
	nsDown := &netsuite.APIError{Status: http.StatusInternalServerError, Details: []netsuite.ErrorDetail{{Code: "UNEXPECTED_ERROR"}}}
	sfLocked := &salesforce.APIError{Status: http.StatusBadRequest, Code: "UNABLE_TO_LOCK_ROW"}
	tests := []struct {
		name      string
		err       error
		failure   bool // counts against the job's retries
		permanent bool // archived at once
		wait      time.Duration
	}{
		{"throttle wait", fmt.Errorf("upserting sales order: %w", throttled), false, false, 3 * time.Second},
		{"netsuite validation", fmt.Errorf("upserting sales order: %w", nsInvalid), true, true, 0},
		{"netsuite 500", fmt.Errorf("upserting sales order: %w", nsDown), true, false, 0},
		{"salesforce row lock", sfLocked, true, false, 0},
		{"flow rule", &PermanentError{Msg: "no NetSuite item for product"}, true, true, 0},
		{"unknown error", errors.New("something odd"), true, false, 0},
		{"deadline", context.DeadlineExceeded, true, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsFailure(tt.err); got != tt.failure {
				t.Errorf("IsFailure = %v, want %v", got, tt.failure)
			}
			classified := classify(tt.err)
			if got := errors.Is(classified, asynq.SkipRetry); got != tt.permanent {
				t.Errorf("permanent = %v, want %v", got, tt.permanent)
			}
			if tt.permanent && classified.Error()[:len(tt.err.Error())] != tt.err.Error() {
				t.Errorf("classified error %q lost the original text %q", classified, tt.err)
			}
			d := RetryDelay(3, tt.err, nil)
			if tt.wait > 0 && d != tt.wait {
				t.Errorf("RetryDelay = %s, want the throttle's %s", d, tt.wait)
			}
			if tt.wait == 0 && (d < retryMin || d > retryBase<<3) {
				t.Errorf("RetryDelay(3) = %s, outside [%s, %s]", d, retryMin, retryBase<<3)
			}
		})
	}
}

func TestBackoffIsBoundedAndJittered(t *testing.T) {
	for n := 0; n < 40; n++ {
		seen := map[time.Duration]bool{}
		for i := 0; i < 50; i++ {
			d := backoff(n)
			if d < retryMin || d > retryCap {
				t.Fatalf("backoff(%d) = %s, outside [%s, %s]", n, d, retryMin, retryCap)
			}
			seen[d] = true
		}
		if n >= 2 && len(seen) < 10 {
			t.Errorf("backoff(%d) took only %d distinct values in 50 draws: not jittered", n, len(seen))
		}
	}
}
