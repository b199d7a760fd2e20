package sandbox

import (
	"encoding/json"
	"net/http"
)

// ControlHandler is a test aid, not part of the emulated API: it lets a
// test driver in another process act as a NetSuite UI user (Put), read the
// account without going through the REST front door (no auth, no faults,
// no concurrency slots) and watch and steer the webhooks and faults. Serve
// it apart from Handler (e.g. under /_sandbox/) and only when asked to: it
// has no authentication.
//
//	GET /stats                API and webhook counters
//	GET /records/{type}       every record of a type, as List returns them
//	GET /records/{type}/{id}  one record, as Get returns it (id may be eid:…)
//	PUT /records/{type}       a request body → {"id": "..."}, written as Put does
//	PUT /faults               Faults as JSON (Timeout in nanoseconds)
//	POST /records/{type}/{id}/!transform/{toType}  a body of the new record's fields → {"id": "..."}, as Transform
//	POST /records/{type}/{id}/!void                voids a payment or credit memo, as Void
//	PUT /records/{type}/{id}/price                 price sublist lines → replaces the item's prices, as SetPrices
func (s *Server) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		controlJSON(w, http.StatusOK, ControlStats{API: s.Stats(), Webhooks: s.WebhookStats()})
	})
	mux.HandleFunc("GET /records/{type}", func(w http.ResponseWriter, r *http.Request) {
		controlJSON(w, http.StatusOK, s.List(r.PathValue("type")))
	})
	mux.HandleFunc("GET /records/{type}/{id}", func(w http.ResponseWriter, r *http.Request) {
		rec, ok := s.Get(r.PathValue("type"), r.PathValue("id"))
		if !ok {
			controlJSON(w, http.StatusNotFound, map[string]string{"error": "no such record"})
			return
		}
		controlJSON(w, http.StatusOK, rec)
	})
	mux.HandleFunc("PUT /records/{type}", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if !decodeControl(w, r, &body) {
			return
		}
		id, err := s.Put(r.PathValue("type"), body)
		if err != nil {
			controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		controlJSON(w, http.StatusOK, map[string]string{"id": id})
	})
	mux.HandleFunc("POST /records/{type}/{id}/!transform/{toType}", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if !decodeControl(w, r, &body) {
			return
		}
		id, err := s.Transform(r.PathValue("type"), r.PathValue("id"), r.PathValue("toType"), body)
		if err != nil {
			controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		controlJSON(w, http.StatusOK, map[string]string{"id": id})
	})
	mux.HandleFunc("POST /records/{type}/{id}/!void", func(w http.ResponseWriter, r *http.Request) {
		if err := s.Void(r.PathValue("type"), r.PathValue("id")); err != nil {
			controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT /records/{type}/{id}/price", func(w http.ResponseWriter, r *http.Request) {
		var lines []map[string]any
		if !decodeControl(w, r, &lines) {
			return
		}
		if err := s.SetPrices(r.PathValue("type"), r.PathValue("id"), lines); err != nil {
			controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT /faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if decodeControl(w, r, &f) {
			s.SetFaults(f)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	return mux
}

// ControlStats is what GET /stats of the control surface answers.
type ControlStats struct {
	API      Stats
	Webhooks WebhookStats
}

// Idle reports whether every webhook was delivered.
func (c ControlStats) Idle() bool { return c.Webhooks.Pending == 0 }

func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": "decoding the request: " + err.Error()})
		return false
	}
	return true
}

func controlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
