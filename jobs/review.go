package jobs

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// The review list: matches a flow refused to guess (two NetSuite customers
// that could be this account, say) wait here for a person to choose. The
// flow reads the choice back with Decision.

// ReviewCreate is the choice "none of the candidates: create a new record".
const ReviewCreate = "create"

// Review list states, for List.
const (
	ReviewOpen     = "open"
	ReviewResolved = "resolved"
)

// reviewKey is the Redis hash of review items by id, as JSON. The list is
// short (people work it down), so listing reads it whole.
const reviewKey = "tandem:review"

// reviewTxRetries bounds the optimistic-transaction retries of one change.
const reviewTxRetries = 10

// Review errors, for callers to tell apart.
var (
	ErrReviewNotFound = errors.New("no such review item")
	ErrReviewChoice   = errors.New("choice is not one of the item's candidates")
	ErrReviewResolved = errors.New("review item already resolved")
	ErrReviewInvalid  = errors.New("invalid review item")
)

// ReviewItem is one ambiguous match.
type ReviewItem struct {
	// ID is ReviewID(Flow, the source key the flow passes to Decision);
	// Add sets ReviewID(Flow, Source.ID) when it is empty.
	ID         string       `json:"id"`
	Flow       string       `json:"flow"`
	Source     ReviewRecord `json:"source"`
	Candidates []Candidate  `json:"candidates"`
	Reason     string       `json:"reason"`
	// TaskID is the job that refused; resolving replays it if archived.
	TaskID     string      `json:"task_id,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	Resolution *Resolution `json:"resolution,omitempty"`
}

// ReviewRecord names the record a flow was syncing.
type ReviewRecord struct {
	System string `json:"system"` // "salesforce" or "netsuite"
	Object string `json:"object"`
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
}

// Candidate is a record on the other side that could be the match.
type Candidate struct {
	System string `json:"system"`
	Object string `json:"object"`
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Why    string `json:"why"` // which match key matched
}

// Resolution is a person's choice: a candidate's id, or ReviewCreate.
type Resolution struct {
	Choice     string    `json:"choice"`
	ResolvedAt time.Time `json:"resolved_at"`
}

// ReviewID is the id of the review item of a flow's source record: one
// item per record and flow, however often the job runs into it.
func ReviewID(flow, sourceID string) string { return flow + ":" + sourceID }

// ReviewStore keeps the review list in Redis.
type ReviewStore struct {
	client redis.UniversalClient
	// Now is the clock of CreatedAt and ResolvedAt; nil means time.Now.
	Now func() time.Time
}

// NewReviewStore returns the review list on client.
func NewReviewStore(client redis.UniversalClient) *ReviewStore {
	return &ReviewStore{client: client}
}

// Add puts an ambiguous match on the list. Adding it again (the job ran
// again) keeps its first CreatedAt and reopens it: the flow found the
// earlier decision unusable.
func (s *ReviewStore) Add(ctx context.Context, item ReviewItem) (ReviewItem, error) {
	if err := item.validate(); err != nil {
		return ReviewItem{}, err
	}
	if item.ID == "" {
		item.ID = ReviewID(item.Flow, item.Source.ID)
	}
	item.Resolution = nil
	item.CreatedAt = s.now()
	err := s.update(ctx, item.ID, func(old *ReviewItem) (*ReviewItem, error) {
		if old != nil {
			item.CreatedAt = old.CreatedAt
		}
		return &item, nil
	})
	return item, err
}

func (item ReviewItem) validate() error {
	if item.Flow == "" || item.Source.ID == "" || len(item.Candidates) == 0 {
		return fmt.Errorf("%w: flow, source id and at least one candidate are required", ErrReviewInvalid)
	}
	seen := map[string]bool{}
	for _, c := range item.Candidates {
		if c.ID == "" || c.ID == ReviewCreate || seen[c.ID] {
			return fmt.Errorf("%w: candidate id %q is empty, reserved or repeated", ErrReviewInvalid, c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}

// List returns the items in state (ReviewOpen, ReviewResolved, or "" for
// all), oldest first.
func (s *ReviewStore) List(ctx context.Context, state string) ([]ReviewItem, error) {
	raw, err := s.client.HGetAll(ctx, reviewKey).Result()
	if err != nil {
		return nil, fmt.Errorf("reading the review list: %w", err)
	}
	items := []ReviewItem{}
	for id, js := range raw {
		item, err := decodeReviewItem(id, js)
		if err != nil {
			return nil, err
		}
		resolved := item.Resolution != nil
		if state == "" || (state == ReviewResolved) == resolved {
			items = append(items, item)
		}
	}
	slices.SortFunc(items, func(a, b ReviewItem) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return items, nil
}

// Get returns one item, or an error wrapping ErrReviewNotFound.
func (s *ReviewStore) Get(ctx context.Context, id string) (ReviewItem, error) {
	js, err := s.client.HGet(ctx, reviewKey, id).Result()
	if errors.Is(err, redis.Nil) {
		return ReviewItem{}, fmt.Errorf("review item %s: %w", id, ErrReviewNotFound)
	}
	if err != nil {
		return ReviewItem{}, fmt.Errorf("reading review item %s: %w", id, err)
	}
	return decodeReviewItem(id, js)
}

// Resolve stores a person's choice for the flow to read: a candidate's id
// or ReviewCreate. An item is resolved once; errors wrap
// ErrReviewNotFound, ErrReviewChoice or ErrReviewResolved.
func (s *ReviewStore) Resolve(ctx context.Context, id, choice string) (ReviewItem, error) {
	var out ReviewItem
	err := s.update(ctx, id, func(old *ReviewItem) (*ReviewItem, error) {
		switch {
		case old == nil:
			return nil, fmt.Errorf("review item %s: %w", id, ErrReviewNotFound)
		case old.Resolution != nil:
			return nil, fmt.Errorf("review item %s chose %q at %s: %w", id, old.Resolution.Choice, old.Resolution.ResolvedAt.Format(time.RFC3339), ErrReviewResolved)
		case choice != ReviewCreate && !slices.ContainsFunc(old.Candidates, func(c Candidate) bool { return c.ID == choice }):
			return nil, fmt.Errorf("review item %s: %q: %w (or %q)", id, choice, ErrReviewChoice, ReviewCreate)
		}
		old.Resolution = &Resolution{Choice: choice, ResolvedAt: s.now()}
		out = *old
		return old, nil
	})
	return out, err
}

// Decision is the choice made for a flow's source record, if any.
func (s *ReviewStore) Decision(ctx context.Context, flow, sourceID string) (Resolution, bool, error) {
	item, err := s.Get(ctx, ReviewID(flow, sourceID))
	if errors.Is(err, ErrReviewNotFound) {
		return Resolution{}, false, nil
	}
	if err != nil || item.Resolution == nil {
		return Resolution{}, false, err
	}
	return *item.Resolution, true, nil
}

// update changes one item in an optimistic transaction: change gets the
// current item (nil if none) and returns the new one, or an error that
// aborts.
func (s *ReviewStore) update(ctx context.Context, id string, change func(old *ReviewItem) (*ReviewItem, error)) error {
	txf := func(tx *redis.Tx) error {
		var old *ReviewItem
		js, err := tx.HGet(ctx, reviewKey, id).Result()
		switch {
		case err == nil:
			item, err := decodeReviewItem(id, js)
			if err != nil {
				return err
			}
			old = &item
		case !errors.Is(err, redis.Nil):
			return fmt.Errorf("reading review item %s: %w", id, err)
		}
		item, err := change(old)
		if err != nil {
			return err
		}
		b, err := json.Marshal(item)
		if err != nil {
			return fmt.Errorf("encoding review item %s: %w", id, err)
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error { return p.HSet(ctx, reviewKey, id, b).Err() })
		return err
	}
	for range reviewTxRetries {
		err := s.client.Watch(ctx, txf, reviewKey)
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
	}
	return fmt.Errorf("updating review item %s: too much contention", id)
}

func decodeReviewItem(id, js string) (ReviewItem, error) {
	var item ReviewItem
	if err := json.Unmarshal([]byte(js), &item); err != nil {
		return item, fmt.Errorf("decoding review item %s: %w", id, err)
	}
	return item, nil
}

func (s *ReviewStore) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}
