package jobs

import (
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/connectors"
)

// Back-off for counted failures: exponential with full jitter, so workers
// that failed together do not retry together.
const (
	retryBase = 2 * time.Second
	retryCap  = 10 * time.Minute
	retryMin  = time.Second
)

// RetryDelay is the asynq RetryDelayFunc: the wait a throttle or a remote
// Retry-After asks for, otherwise exponential back-off with full jitter.
func RetryDelay(n int, err error, _ *asynq.Task) time.Duration {
	if d, ok := connectors.RetryAfter(err); ok {
		return d
	}
	return backoff(n)
}

// backoff is the wait before retry n+1 (asynq counts retries from 0).
func backoff(n int) time.Duration {
	return max(retryMin, connectors.Backoff{Base: retryBase, Cap: retryCap}.Delay(n+1))
}

// IsFailure is the asynq IsFailure policy: a throttle wait (ours or the
// remote system's) is not a failure, so it never uses up a job's retries.
func IsFailure(err error) bool { return !connectors.IsThrottle(err) }

// permanent marks err as not worth retrying: asynq archives the job at
// once, with err's text as its last error, visible in Asynqmon.
func permanent(err error) error {
	if errors.Is(err, asynq.SkipRetry) {
		return err
	}
	return fmt.Errorf("%w [permanent: %w]", err, asynq.SkipRetry)
}

// classify makes a handler's error permanent when the connectors know it
// cannot succeed on retry (a validation error, a missing record).
func classify(err error) error {
	if err != nil && connectors.IsPermanent(err) {
		return permanent(err)
	}
	return err
}

// PermanentError is returned by flows for input that can never be
// written: a product without a NetSuite item, an opportunity without lines.
type PermanentError struct{ Msg string }

func (e *PermanentError) Error() string   { return e.Msg }
func (e *PermanentError) Retryable() bool { return false }

func isSkipRetry(err error) bool { return errors.Is(err, asynq.SkipRetry) }
