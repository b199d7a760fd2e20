package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	"github.com/tandem-sync/tandem/jobs"
)

// Admin API routes, full paths.
const (
	PathAdminJobs          = PrefixAdmin + "/jobs"
	PathAdminReplay        = PrefixAdmin + "/replay"
	PathAdminReview        = PrefixAdmin + "/review"
	PathAdminReviewItem    = PrefixAdmin + "/review/{id}"
	PathAdminReviewResolve = PrefixAdmin + "/review/{id}/resolve"
)

// Limits of the admin API.
const (
	maxAdminBodyBytes = 64 << 10
	defaultJobsLimit  = 100
	maxJobsLimit      = 1000
)

// JobStore lists jobs and replays archived ones; *jobs.Replayer
// implements it.
type JobStore interface {
	List(ctx context.Context, f jobs.JobFilter) ([]jobs.Job, error)
	Replay(ctx context.Context, q jobs.ReplayRequest) (jobs.ReplayResult, error)
}

// ReviewStore is the list of ambiguous matches; *jobs.ReviewStore
// implements it.
type ReviewStore interface {
	List(ctx context.Context, state string) ([]jobs.ReviewItem, error)
	Get(ctx context.Context, id string) (jobs.ReviewItem, error)
	Resolve(ctx context.Context, id, choice string) (jobs.ReviewItem, error)
}

// AdminDeps is what the admin API serves.
type AdminDeps struct {
	Jobs   JobStore
	Review ReviewStore
	Drift  DriftReports // nil: GET /admin/drift is not served
	// PubSub reads the Pub/Sub subscriber's state from Redis; nil: no
	// topics, no gaps.
	PubSub func(ctx context.Context) (pubsub.Status, error)
	Logger *slog.Logger
	// BookingsChart, when set, serves the bookings-vs-billings chart
	// routes (ChartHandler).
	BookingsChart http.Handler
	// BookingsReport, when set, serves PathAdminBookingsReport.
	BookingsReport *BookingsReport
}

// JobList is the answer of GET /admin/jobs. Truncated says more jobs
// match than the limit.
type JobList struct {
	Jobs      []jobs.Job `json:"jobs"`
	Truncated bool       `json:"truncated"`
}

// ReviewList is the answer of GET /admin/review.
type ReviewList struct {
	Items []jobs.ReviewItem `json:"items"`
}

// ResolveResult is the answer of POST /admin/review/{id}/resolve: the
// resolved item and the replay of the job that refused, if it was
// archived.
type ResolveResult struct {
	Item   jobs.ReviewItem    `json:"item"`
	Replay *jobs.ReplayResult `json:"replay,omitempty"`
}

type admin struct{ AdminDeps }

// NewAdmin returns the admin API. It routes on full paths (/admin/jobs),
// whether mounted under /admin or served alone; put AdminAuth in front.
func NewAdmin(d AdminDeps) http.Handler {
	a := admin{d}
	if a.Logger == nil {
		a.Logger = slog.New(slog.DiscardHandler)
	}
	r := newAdminMux()
	r.Get(PathAdminJobs, a.listJobs)
	r.Post(PathAdminReplay, a.replay)
	r.Get(PathAdminReview, a.listReview)
	r.Get(PathAdminReviewItem, a.getReview)
	r.Post(PathAdminReviewResolve, a.resolveReview)
	if a.Drift != nil {
		r.Get(PathAdminDrift, a.drift)
	}
	r.Get(PathAdminPubSub, a.pubsubStatus)
	if d.BookingsChart != nil {
		r.Method(http.MethodGet, PathAdminBookingsChart, d.BookingsChart)
		r.Method(http.MethodGet, PathAdminBookingsPage, d.BookingsChart)
	}
	if d.BookingsReport != nil {
		r.Method(http.MethodGet, PathAdminBookingsReport, d.BookingsReport)
	}
	return adminRouter{r}
}

// newAdminMux is a router whose refusals are admin JSON errors.
func newAdminMux() *chi.Mux {
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, _ *http.Request) {
		writeAdminError(w, http.StatusNotFound, "no such admin route")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, _ *http.Request) {
		writeAdminError(w, http.StatusMethodNotAllowed, "method not allowed on this admin route")
	})
	return r
}

// adminRouter routes on the whole URL path: a parent chi router that
// mounted it has cut its prefix from the routing path. As a chi.Routes it
// can be walked.
type adminRouter struct{ *chi.Mux }

func (a adminRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.Mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, chi.NewRouteContext())))
}

// listJobs: GET /admin/jobs?state=&queue=&type=&error=&older_than=&limit=
func (a admin) listJobs(w http.ResponseWriter, r *http.Request) {
	f, err := jobsQuery(r.URL.Query())
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	limit := f.Limit
	f.Limit++ // one more tells whether the list is cut
	list, err := a.Jobs.List(r.Context(), f)
	if err != nil {
		a.storeError(w, r, "listing jobs", err)
		return
	}
	out := JobList{Jobs: list, Truncated: len(list) > limit}
	if out.Truncated {
		out.Jobs = list[:limit]
	}
	if out.Jobs == nil {
		out.Jobs = []jobs.Job{}
	}
	writeAdminJSON(w, http.StatusOK, out)
}

// jobsQuery reads the filter of GET /admin/jobs.
func jobsQuery(q url.Values) (jobs.JobFilter, error) {
	f, err := jobFilter(q.Get("queue"), q.Get("type"), q.Get("error"), q.Get("older_than"))
	if err != nil {
		return f, err
	}
	f.State = q.Get("state")
	if f.Limit, err = jobsLimit(q.Get("limit")); err != nil {
		return f, err
	}
	return f, f.Validate()
}

func jobsLimit(s string) (int, error) {
	if s == "" {
		return defaultJobsLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxJobsLimit {
		return 0, fmt.Errorf("limit %q is not a whole number from 1 to %d", s, maxJobsLimit)
	}
	return n, nil
}

// jobFilter builds a filter from the API's text fields; older than is a
// Go duration such as 90m or 72h.
func jobFilter(queue, taskType, errText, olderThan string) (jobs.JobFilter, error) {
	f := jobs.JobFilter{Queue: queue, Type: taskType, Error: errText}
	if olderThan != "" {
		d, err := time.ParseDuration(olderThan)
		if err != nil || d < 0 {
			return f, fmt.Errorf("older_than %q is not a duration like 90m or 72h", olderThan)
		}
		f.OlderThan = d
	}
	return f, nil
}

// replayBody is the body of POST /admin/replay: exactly one of ids,
// filter or all.
type replayBody struct {
	IDs    []string `json:"ids"`
	Filter *struct {
		Queue     string `json:"queue"`
		Type      string `json:"type"`
		Error     string `json:"error"`
		OlderThan string `json:"older_than"`
	} `json:"filter"`
	All    bool `json:"all"`
	DryRun bool `json:"dry_run"`
}

// replay: POST /admin/replay.
func (a admin) replay(w http.ResponseWriter, r *http.Request) {
	var body replayBody
	if status, err := decodeAdminBody(w, r, &body); err != nil {
		writeAdminError(w, status, err.Error())
		return
	}
	q := jobs.ReplayRequest{IDs: body.IDs, All: body.All, DryRun: body.DryRun}
	if body.Filter != nil {
		f, err := jobFilter(body.Filter.Queue, body.Filter.Type, body.Filter.Error, body.Filter.OlderThan)
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, err.Error())
			return
		}
		q.Filter = &f
	}
	res, err := a.Jobs.Replay(r.Context(), q)
	if errors.Is(err, jobs.ErrInvalidSelection) {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil {
		a.storeError(w, r, fmt.Sprintf("replaying (%d replayed before the error)", len(res.Replayed)), err)
		return
	}
	a.Logger.InfoContext(r.Context(), "admin replay", "dry_run", res.DryRun, "replayed", len(res.Replayed), "skipped", len(res.Skipped))
	writeAdminJSON(w, http.StatusOK, res)
}

// listReview: GET /admin/review?state=open|resolved|all (default open).
func (a admin) listReview(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	switch state {
	case "":
		state = jobs.ReviewOpen
	case "all":
		state = ""
	case jobs.ReviewOpen, jobs.ReviewResolved:
	default:
		writeAdminError(w, http.StatusBadRequest, fmt.Sprintf("state %q is not open, resolved or all", state))
		return
	}
	items, err := a.Review.List(r.Context(), state)
	if err != nil {
		a.storeError(w, r, "listing the review list", err)
		return
	}
	if items == nil {
		items = []jobs.ReviewItem{}
	}
	writeAdminJSON(w, http.StatusOK, ReviewList{Items: items})
}

// getReview: GET /admin/review/{id}.
func (a admin) getReview(w http.ResponseWriter, r *http.Request) {
	item, err := a.Review.Get(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		a.reviewError(w, r, err)
		return
	}
	writeAdminJSON(w, http.StatusOK, item)
}

// resolveBody is the body of POST /admin/review/{id}/resolve.
type resolveBody struct {
	Choice string `json:"choice"` // a candidate's id, or "create"
}

// resolveReview stores the choice and replays the job that refused, so
// the flow runs again with the decision.
func (a admin) resolveReview(w http.ResponseWriter, r *http.Request) {
	var body resolveBody
	if status, err := decodeAdminBody(w, r, &body); err != nil {
		writeAdminError(w, status, err.Error())
		return
	}
	if body.Choice == "" {
		writeAdminError(w, http.StatusBadRequest, `choice is required: a candidate's id, or "create"`)
		return
	}
	item, err := a.Review.Resolve(r.Context(), chi.URLParam(r, "id"), body.Choice)
	if err != nil {
		a.reviewError(w, r, err)
		return
	}
	a.Logger.InfoContext(r.Context(), "review item resolved", "id", item.ID, "choice", body.Choice)
	out := ResolveResult{Item: item}
	if item.TaskID != "" {
		res, err := a.Jobs.Replay(r.Context(), jobs.ReplayRequest{IDs: []string{item.TaskID}})
		if err != nil {
			a.storeError(w, r, "replaying job "+item.TaskID+" after resolving "+item.ID, err)
			return
		}
		out.Replay = &res
	}
	writeAdminJSON(w, http.StatusOK, out)
}

func (a admin) reviewError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, jobs.ErrReviewNotFound):
		writeAdminError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, jobs.ErrReviewChoice):
		writeAdminError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, jobs.ErrReviewResolved):
		writeAdminError(w, http.StatusConflict, err.Error())
	default:
		a.storeError(w, r, "reading the review list", err)
	}
}

// storeError answers 503: Redis did not answer (or answered an error).
func (a admin) storeError(w http.ResponseWriter, r *http.Request, doing string, err error) {
	a.Logger.ErrorContext(r.Context(), "admin request failed", "doing", doing, "error", err)
	writeAdminError(w, http.StatusServiceUnavailable, doing+": "+err.Error())
}

// decodeAdminBody reads one JSON object with known fields only, at most
// maxAdminBodyBytes.
func decodeAdminBody(w http.ResponseWriter, r *http.Request, v any) (int, error) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("trailing data after the JSON object")
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Errorf("body is over the %d-byte limit", maxAdminBodyBytes)
	case err != nil:
		return http.StatusBadRequest, fmt.Errorf("body is not the expected JSON object: %w", err)
	}
	return 0, nil
}

// adminError is every admin and monitoring refusal.
type adminError struct {
	Error string `json:"error"`
}

func writeAdminError(w http.ResponseWriter, status int, msg string) {
	writeAdminJSON(w, status, adminError{Error: msg})
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
