package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"
)

// TypeUnusable is a notification Tandem accepted but cannot act on (no
// record id, an object no flow handles). It is stored like any change so
// that it is on record, and its job fails at once with Change.Problem as
// its last error: archived, visible in Asynqmon and /admin.
const TypeUnusable = "webhook:unusable_notification"

// UnusableFlow archives TypeUnusable jobs with their reason.
func UnusableFlow() Flow {
	return Flow{Name: "unusable", Handlers: func(FlowDeps) (map[string]asynq.Handler, error) {
		return map[string]asynq.Handler{TypeUnusable: asynq.HandlerFunc(archiveUnusable)}, nil
	}}
}

func archiveUnusable(_ context.Context, t *asynq.Task) error {
	var ch Change
	if err := json.Unmarshal(t.Payload(), &ch); err != nil {
		return permanent(fmt.Errorf("decoding %s payload: %w", t.Type(), err))
	}
	return permanent(fmt.Errorf("unusable %s notification %s: %w", ch.Source, ch.EventID, errors.New(ch.Problem)))
}
