package sandbox

import (
	"net/http"
	"strings"
	"time"
)

// apiMiddleware runs every API request the way NetSuite's front door does:
// authenticate, take a concurrency slot (or refuse with 429), wait out the
// latency, then maybe misbehave as the fault plan says.
func (s *Server) apiMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.stats.request(operation(r))
		if err := s.authenticate(r); err != nil {
			s.stats.add(func(st *Stats) { st.AuthFailures++ })
			s.log.Info("netsuite sandbox: login refused", "method", r.Method, "path", r.URL.Path, "reason", err)
			invalidLogin().write(w)
			return
		}
		release, ok := s.gov.acquire()
		if !ok {
			s.stats.add(func(st *Stats) { st.Rejected429++ })
			s.concurrencyRefusal(r).write(w)
			return
		}
		defer release()
		s.gov.wait(r.Context(), start, s.closed)
		s.serveWithFaults(w, r, next)
	})
}

func (s *Server) authenticate(r *http.Request) error {
	h := r.Header.Get("Authorization")
	if token, ok := cutPrefixFold(h, "Bearer "); ok {
		return s.m2m.verifyAccessToken(strings.TrimSpace(token))
	}
	if h == "" {
		return errNoAuthorization
	}
	return s.tba.verify(r, h)
}

func (s *Server) serveWithFaults(w http.ResponseWriter, r *http.Request, next http.Handler) {
	write := isWrite(r.Method) && !strings.HasSuffix(r.URL.Path, "/suiteql")
	plan := s.faults.next(write)
	if plan.kind == faultNone {
		next.ServeHTTP(w, r)
		return
	}
	if plan.after {
		next.ServeHTTP(&discardResponse{}, r) // the write commits; its answer is lost
	}
	switch plan.kind {
	case fault429:
		s.stats.add(func(st *Stats) { st.Injected429++ })
		s.concurrencyRefusal(r).write(w)
	case fault5xx:
		s.stats.add(func(st *Stats) { st.Injected5xx++ })
		s.log.Info("netsuite sandbox: injected 500", "path", r.URL.Path, "applied", plan.after)
		unexpectedError(plan.errorID).write(w)
	case faultTimeout:
		s.stats.add(func(st *Stats) { st.InjectedTimeouts++ })
		s.hold(r)
		panic(http.ErrAbortHandler) // drop the connection without an answer
	}
}

// concurrencyRefusal is how a request over the concurrency limit is
// refused: 429, or under Concurrency401 the 401 INVALID_LOGIN token-based
// requests get when they pile up.
func (s *Server) concurrencyRefusal(r *http.Request) *apiError {
	if s.cfg.Concurrency401 && !strings.HasPrefix(strings.ToLower(r.Header.Get("Authorization")), "bearer ") {
		s.stats.add(func(st *Stats) { st.Concurrency401++ })
		return invalidLogin()
	}
	return concurrencyExceeded()
}

// hold keeps a request hanging for the fault timeout, until the client
// gives up or the sandbox closes.
func (s *Server) hold(r *http.Request) {
	timer := time.NewTimer(s.faults.faults().Timeout)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done():
	case <-s.closed:
	}
}

// operation names a request for Stats: "PUT salesOrder", "POST suiteql", …
func operation(r *http.Request) string {
	rest, _ := strings.CutPrefix(r.URL.Path, "/services/rest/")
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) >= 3 && parts[0] == "record":
		name := parts[2]
		if rt, ok := lookupType(name); ok {
			name = rt.name
		}
		return r.Method + " " + name
	case rest == "query/v1/suiteql":
		return r.Method + " suiteql"
	case rest == "system/v1/governanceLimits":
		return r.Method + " governanceLimits"
	}
	return r.Method + " " + r.URL.Path
}
