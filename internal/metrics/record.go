package metrics

import (
	"net/http"
	"strconv"
	"time"
)

// Webhook outcomes, from the HTTP status a webhook request was answered with.
const (
	OutcomeAccepted    = "accepted"    // 2xx: every job stored, or stored before (a re-send)
	OutcomeRefused     = "refused"     // 401, 403: credential, signature or sender not accepted
	OutcomeInvalid     = "invalid"     // other 4xx: unreadable, invalid or too large
	OutcomeUnavailable = "unavailable" // 503: the queue could not take the jobs; the sender retries
	OutcomeError       = "error"       // anything else: a bug (500), or no answer at all
)

// StatusNone is the status label of a remote call that got no HTTP answer
// (a network error or a timeout).
const StatusNone = "none"

// Webhook counts one webhook request by its source and the status it was
// answered with.
func (m *Metrics) Webhook(source string, status int) {
	m.webhooks.WithLabelValues(source, webhookOutcome(status)).Inc()
}

func webhookOutcome(status int) string {
	switch {
	case status >= 200 && status < 300:
		return OutcomeAccepted
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return OutcomeRefused
	case status >= 400 && status < 500:
		return OutcomeInvalid
	case status == http.StatusServiceUnavailable:
		return OutcomeUnavailable
	}
	return OutcomeError
}

// JobEnded counts one attempt of a job of flow (its task type) by how it
// ended. sinceReceived is, for a job done, the time since its change
// arrived; 0 for other outcomes or when unknown.
func (m *Metrics) JobEnded(flow, outcome string, sinceReceived time.Duration) {
	m.jobs.WithLabelValues(flow, outcome).Inc()
	if sinceReceived > 0 {
		m.jobDuration.WithLabelValues(flow).Observe(sinceReceived.Seconds())
	}
}

// EchoDropped counts a job of flow that found its change already in step
// and wrote nothing.
func (m *Metrics) EchoDropped(flow string) { m.echoDrops.WithLabelValues(flow).Inc() }

// Overruled counts a change to a field group of a pair that the merge
// overruled (the group's master, or a later change, won).
func (m *Metrics) Overruled(pair, group string) { m.conflicts.WithLabelValues(pair, group).Inc() }

// RemoteCalls returns the hook the Salesforce and NetSuite clients call
// after each HTTP attempt (their Config.Observe), counting it for system.
// op must be bounded: a method and a record type, never an id.
func (m *Metrics) RemoteCalls(system string) func(op string, status int, d time.Duration, err error) {
	return func(op string, status int, d time.Duration, _ error) {
		code := StatusNone
		if status > 0 {
			code = strconv.Itoa(status)
		}
		m.calls.WithLabelValues(system, op, code).Inc()
		m.callDuration.WithLabelValues(system, op).Observe(d.Seconds())
		if status == http.StatusTooManyRequests {
			m.calls429.WithLabelValues(system).Inc()
		}
	}
}
