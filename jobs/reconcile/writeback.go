package reconcile

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce"
)

// MaxWriteErrors is how many failed records a WriteSummary lists.
const MaxWriteErrors = 50

// WriteSummary says what a run wrote back to Salesforce.
type WriteSummary struct {
	Changed int          `json:"changed"` // opportunities whose figures changed
	Written int          `json:"written"`
	Failed  int          `json:"failed"`
	Calls   int          `json:"calls"`            // Collections calls, or Bulk jobs
	Errors  []WriteError `json:"errors,omitempty"` // the first MaxWriteErrors
}

// WriteError is one opportunity Salesforce refused.
type WriteError struct {
	OpportunityID string `json:"opportunity_id"`
	Error         string `json:"error"`
}

// changed returns the update for o when its NetSuite figures differ from
// the line's, nil when they are up to date. An opportunity without an
// order has empty NetSuite figures and its whole amount as the gap.
func changed(o Opportunity, l Line, found bool, now time.Time) map[string]any {
	want := map[string]*float64{FieldGap: &l.Deal.BookingGap}
	if found {
		want[FieldOrdered], want[FieldBilled], want[FieldPaid] = &l.Deal.Ordered, &l.Deal.Billed, &l.Deal.Paid
		want[FieldRecognised] = l.Deal.Recognised
	}
	update := map[string]any{}
	for _, f := range writtenFields {
		have, w := o.Written[f], want[f]
		switch {
		case have == nil && w == nil:
		case have != nil && w != nil && round2(*have) == round2(*w):
		case w == nil:
			update[f] = nil
		default:
			update[f] = *w
		}
	}
	if len(update) == 0 {
		return nil
	}
	update["Id"] = o.ID
	update[FieldLastReconciled] = now.Format("2006-01-02T15:04:05.000Z")
	return update
}

// writeBack updates the changed opportunities: one Bulk job above the
// threshold, else Collections calls of 200. A record Salesforce refuses is
// counted and listed; the others are written all the same.
func (r *Reconciler) writeBack(ctx context.Context, changes []map[string]any, s *WriteSummary) error {
	if len(changes) == 0 {
		return nil
	}
	s.Changed += len(changes)
	var results []salesforce.UpsertResult
	if r.BulkThreshold > 0 && len(changes) > r.BulkThreshold {
		res, err := r.Salesforce.BulkUpsert(ctx, "Opportunity", "Id", changes)
		s.Calls++
		if err != nil {
			return fmt.Errorf("writing the NetSuite figures of %d opportunities through Bulk API: %w", len(changes), err)
		}
		results = res
	} else {
		for chunk := range slices.Chunk(changes, salesforce.MaxCollectionSize) {
			res, err := r.Salesforce.UpdateCollection(ctx, "Opportunity", chunk)
			s.Calls++
			if err != nil {
				return fmt.Errorf("writing the NetSuite figures of %d opportunities: %w", len(chunk), err)
			}
			results = append(results, res...)
		}
	}
	for i, res := range results {
		if err := res.Err(); err != nil {
			s.Failed++
			if len(s.Errors) < MaxWriteErrors {
				s.Errors = append(s.Errors, WriteError{OpportunityID: fmt.Sprint(changes[i]["Id"]), Error: err.Error()})
			}
			continue
		}
		s.Written++
	}
	return nil
}
