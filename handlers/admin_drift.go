package handlers

import (
	"context"
	"net/http"
)

// PathAdminDrift shows the drift audit's last run.
const PathAdminDrift = PrefixAdmin + "/drift"

// DriftReports reads the drift audit's last run (jobs/drift.LastRun): a
// JSON-encodable report, or nil before the first run.
type DriftReports func(ctx context.Context) (any, error)

// DriftStatus is the answer of GET /admin/drift.
type DriftStatus struct {
	LastRun any `json:"last_run"` // null before the first run
}

// drift: GET /admin/drift
func (a admin) drift(w http.ResponseWriter, r *http.Request) {
	last, err := a.Drift(r.Context())
	if err != nil {
		a.storeError(w, r, "reading the last drift audit", err)
		return
	}
	writeAdminJSON(w, http.StatusOK, DriftStatus{LastRun: last})
}
