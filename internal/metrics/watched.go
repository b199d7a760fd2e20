package metrics

import (
	"fmt"
	"slices"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/tandem-sync/tandem/connectors/throttle"
)

// Metrics read at each scrape from what already counts them: asynq's
// queues, the throttles' Stats, the Salesforce client's last
// Sforce-Limit-Info and the events handler's Stats. Each Watch method
// replaces what it watched before.

var (
	queueTasksDesc = prometheus.NewDesc(QueueTasks,
		"Tasks in each asynq queue by state (every Redis-connected process reports the same values: aggregate with max).",
		[]string{"queue", "state"}, nil)
	queueLatencyDesc = prometheus.NewDesc(QueueLatency,
		"Age of the oldest pending task of each queue.", []string{"queue"}, nil)
	throttleWaitsDesc = prometheus.NewDesc(ThrottleWaitsTotal,
		"Requests Tandem's shared throttles held back: waited in-process, or handed back to the queue.",
		[]string{"system", "reason"}, nil)
	throttleSecondsDesc = prometheus.NewDesc(ThrottleWaitSeconds,
		"Time requests waited in-process for Tandem's shared throttles.", []string{"system", "reason"}, nil)
	apiUsageDesc = prometheus.NewDesc(SalesforceAPIUsageRatio,
		"The org's API requests in the last 24 hours over its daily allocation, as Sforce-Limit-Info last said.", nil, nil)
	ownDropsDesc = prometheus.NewDesc(EventsDroppedOwnTotal,
		"Salesforce change events dropped at the door because Tandem's own writes caused them; 0 while they are forwarded to the flows, whose echo guard counts them in tandem_echo_drops_total.", nil, nil)
)

// queueStates are the task states reported per queue.
var queueStates = []string{"pending", "active", "scheduled", "retry", "archived", "completed", "aggregating"}

// QueueStates are the values of QueueTasks' state label.
func QueueStates() []string { return slices.Clone(queueStates) }

type watched struct {
	queues    *asynq.Inspector
	throttles map[[2]string]func() throttle.WaitStats // by system and reason
	apiUsage  func() (used, max int)
	ownDrops  func() int64
}

// WatchQueues reports the size of every asynq queue by state.
func (m *Metrics) WatchQueues(in *asynq.Inspector) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.watched.queues = in
}

// WatchThrottle reports a throttle's waits under its system and reason.
func (m *Metrics) WatchThrottle(stats func() throttle.WaitStats) {
	s := stats()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.watched.throttles == nil {
		m.watched.throttles = map[[2]string]func() throttle.WaitStats{}
	}
	m.watched.throttles[[2]string{s.System, s.Reason}] = stats
}

// WatchSalesforceUsage reports used/max of the org's daily API allocation;
// nothing while max is 0 (no Sforce-Limit-Info seen yet).
func (m *Metrics) WatchSalesforceUsage(usage func() (used, max int)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.watched.apiUsage = usage
}

// WatchEventsDroppedOwn reports the count of Salesforce change events
// dropped as Tandem's own.
func (m *Metrics) WatchEventsDroppedOwn(count func() int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.watched.ownDrops = count
}

// watchedCollector collects the watched sources.
type watchedCollector struct{ m *Metrics }

func (c watchedCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueTasksDesc, queueLatencyDesc, throttleWaitsDesc, throttleSecondsDesc, apiUsageDesc, ownDropsDesc} {
		ch <- d
	}
}

func (c watchedCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.mu.Lock()
	w := c.m.watched
	throttles := make([]func() throttle.WaitStats, 0, len(w.throttles))
	for _, t := range w.throttles {
		throttles = append(throttles, t)
	}
	c.m.mu.Unlock()

	for _, stats := range throttles {
		s := stats()
		ch <- prometheus.MustNewConstMetric(throttleWaitsDesc, prometheus.CounterValue, float64(s.Waited+s.Throttled), s.System, s.Reason)
		ch <- prometheus.MustNewConstMetric(throttleSecondsDesc, prometheus.CounterValue, s.WaitTime.Seconds(), s.System, s.Reason)
	}
	if w.apiUsage != nil {
		if used, max := w.apiUsage(); max > 0 {
			ch <- prometheus.MustNewConstMetric(apiUsageDesc, prometheus.GaugeValue, float64(used)/float64(max))
		}
	}
	if w.ownDrops != nil {
		ch <- prometheus.MustNewConstMetric(ownDropsDesc, prometheus.CounterValue, float64(w.ownDrops()))
	}
	if w.queues != nil {
		collectQueues(ch, w.queues)
	}
}

// collectQueues reads every queue asynq knows. A Redis error becomes an
// invalid metric: the scrape logs it and serves the rest.
func collectQueues(ch chan<- prometheus.Metric, in *asynq.Inspector) {
	names, err := in.Queues()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueTasksDesc, fmt.Errorf("listing asynq queues: %w", err))
		return
	}
	for _, name := range names {
		q, err := in.GetQueueInfo(name)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(queueTasksDesc, fmt.Errorf("reading asynq queue %s: %w", name, err))
			continue
		}
		counts := []int{q.Pending, q.Active, q.Scheduled, q.Retry, q.Archived, q.Completed, q.Aggregating}
		for i, state := range queueStates {
			ch <- prometheus.MustNewConstMetric(queueTasksDesc, prometheus.GaugeValue, float64(counts[i]), name, state)
		}
		ch <- prometheus.MustNewConstMetric(queueLatencyDesc, prometheus.GaugeValue, q.Latency.Seconds(), name)
	}
}
