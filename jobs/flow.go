package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/mapping"
)

// SalesforceAPI is what every flow needs of Salesforce; *salesforce.Client
// implements it.
type SalesforceAPI interface {
	Query(ctx context.Context, soql string) ([]salesforce.Record, error)
	Update(ctx context.Context, object, id string, fields map[string]any) error
}

// NetSuiteAPI is what every flow needs of NetSuite; *netsuite.Client
// implements it.
type NetSuiteAPI interface {
	GetRecord(ctx context.Context, recordType, id string, opt *netsuite.GetOptions) (netsuite.Record, error)
	UpsertRecord(ctx context.Context, recordType, externalID string, body any, opt *netsuite.WriteOptions) (string, error)
}

// FlowDeps is what the worker hands every flow: each flow's Flow picks
// what its handlers need.
type FlowDeps struct {
	Salesforce *salesforce.Client
	NetSuite   *netsuite.Client
	Finder     mapping.Finder        // answers the mappings' lookups
	Rates      mapping.RateSource    // answers convert(); nil = the exchange_rates table
	Mappings   *mapping.Set          // every mapping, checked at start-up
	Redis      redis.UniversalClient // locks, echo memos, pair state, the review list
	Logger     *slog.Logger
	// Context bounds the reads a flow makes while building its handlers
	// (and carries the correlation id of the job that waits for them when
	// they are built on its behalf); nil: context.Background().
	Context context.Context
}

// Ctx is d.Context, or context.Background() when none was given.
func (d FlowDeps) Ctx() context.Context {
	if d.Context == nil {
		return context.Background()
	}
	return d.Context
}

// Flow registers one flow with the worker: its name, for errors, and how
// it builds its handlers, by task type.
type Flow struct {
	Name     string
	Handlers func(FlowDeps) (map[string]asynq.Handler, error)
}

// NewMux builds every flow's handlers and routes their task types to them.
// A task type claimed by two flows is an error.
func NewMux(d FlowDeps, flows ...Flow) (*asynq.ServeMux, error) {
	mux := asynq.NewServeMux()
	owner := map[string]string{}
	for _, f := range flows {
		hs, err := f.Handlers(d)
		if err != nil {
			return nil, fmt.Errorf("flow %s: %w", f.Name, err)
		}
		for taskType, h := range hs {
			if other, dup := owner[taskType]; dup {
				return nil, fmt.Errorf("flow %s: task type %s is already handled by flow %s", f.Name, taskType, other)
			}
			owner[taskType] = f.Name
			mux.Handle(taskType, h)
		}
	}
	return mux, nil
}

// ChangeHandler is the asynq handler around a flow's run: it decodes the
// Change payload (a bad payload is archived at once), puts the change's
// correlation id on ctx for the logs, and archives at once an error the
// connectors know cannot succeed on retry.
func ChangeHandler(run func(ctx context.Context, ch Change) error) asynq.HandlerFunc {
	return func(ctx context.Context, t *asynq.Task) error {
		ch, err := decodeChange(t)
		if err != nil {
			return err
		}
		ctx = logging.WithCorrelation(ctx, ch.CorrelationID)
		return classify(run(ctx, ch))
	}
}
