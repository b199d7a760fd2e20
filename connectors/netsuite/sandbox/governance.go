package sandbox

import "net/http"

// serveGovernanceLimits is GET /services/rest/system/v1/governanceLimits.
// The sandbox has one integration and no per-integration limit, so the
// whole account limit is unallocated.
func (s *Server) serveGovernanceLimits(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(r.Method).write(w)
		return
	}
	if s.cfg.NonAdminRole {
		adminOnly().write(w)
		return
	}
	limit := s.gov.currentLimit()
	if limit < 0 {
		limit = unlimitedReport
	}
	writeJSON(w, http.StatusOK, contentTypeJSON, map[string]any{
		"accountConcurrencyLimit":            limit,
		"accountUnallocatedConcurrencyLimit": limit,
		"integrationLimitType":               "accountLimit",
	})
}
