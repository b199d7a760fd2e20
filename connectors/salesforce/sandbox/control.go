package sandbox

import (
	"encoding/json"
	"net/http"
)

// ControlHandler is a test aid, not part of the emulated API: it lets a
// test driver in another process act as the org's sales user, read the
// org through the Go API (no faults, no API usage) and watch and steer
// its notifiers. Serve it apart from Handler (e.g. under /_sandbox/) and
// only when asked to: it has no authentication.
//
//	GET   /stats                  outbound, events and fault counters
//	POST  /query                  {"soql": "..."} → records, as Query returns them
//	POST  /records/{object}       fields → {"id": "..."}, created as the sales user
//	PATCH /records/{object}/{id}  fields → 204, updated as the sales user
//	PUT   /faults                 Faults as JSON (Timeout in nanoseconds)
//	PUT   /events-url             {"url": "..."}: SetEventsURL ("" = no forwarder)
func (s *Server) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		controlJSON(w, http.StatusOK, ControlStats{Outbound: s.OutboundStats(), Events: s.EventsStats(), Faults: s.FaultStats(), PubSub: s.PubSubStats()})
	})
	mux.HandleFunc("POST /query", func(w http.ResponseWriter, r *http.Request) {
		var q struct{ SOQL string }
		if !decodeControl(w, r, &q) {
			return
		}
		recs, err := s.Query(q.SOQL)
		controlResult(w, recs, err)
	})
	mux.HandleFunc("POST /records/{object}", func(w http.ResponseWriter, r *http.Request) {
		var fields map[string]any
		if !decodeControl(w, r, &fields) {
			return
		}
		id, err := s.Create(r.PathValue("object"), fields, s.SalesUser())
		controlResult(w, map[string]string{"id": id}, err)
	})
	mux.HandleFunc("PATCH /records/{object}/{id}", func(w http.ResponseWriter, r *http.Request) {
		var fields map[string]any
		if !decodeControl(w, r, &fields) {
			return
		}
		controlResult(w, nil, s.Update(r.PathValue("object"), r.PathValue("id"), fields, s.SalesUser()))
	})
	mux.HandleFunc("PUT /faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if decodeControl(w, r, &f) {
			s.SetFaults(f)
			controlResult(w, nil, nil)
		}
	})
	mux.HandleFunc("PUT /events-url", func(w http.ResponseWriter, r *http.Request) {
		var u struct{ URL string }
		if decodeControl(w, r, &u) {
			s.SetEventsURL(u.URL)
			controlResult(w, nil, nil)
		}
	})
	return mux
}

// ControlStats is what GET /stats of the control surface answers.
type ControlStats struct {
	Outbound OutboundStats
	Events   EventsStats
	Faults   FaultStats
	PubSub   PubSubStats
}

// Idle reports whether every notification was delivered (or dropped).
func (c ControlStats) Idle() bool { return c.Outbound.Pending == 0 && c.Events.Pending == 0 }

func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": "decoding the request: " + err.Error()})
		return false
	}
	return true
}

// controlResult answers v, 204 for a nil v, or the error with 400.
func controlResult(w http.ResponseWriter, v any, err error) {
	switch {
	case err != nil:
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	case v == nil:
		w.WriteHeader(http.StatusNoContent)
	default:
		controlJSON(w, http.StatusOK, v)
	}
}

func controlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
