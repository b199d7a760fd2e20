package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// table prints the run's settings, then a row per step as it finishes.
type table struct {
	out      io.Writer
	baseline bool
}

const rowFormat = "%8s %7s %8s %8s %8s %8s %8s %6s  %-24s %9s %6s %8s\n"

func (t table) header(c Config) {
	fmt.Fprintf(t.out, "targets: %s (requests in turn, %d connections in all)\n", strings.Join(c.Targets, " "), c.Connections)
	fmt.Fprintf(t.out, "mix: %s; %d notification(s) per Outbound Message, %d event(s) per events POST; %.0f%% duplicates\n",
		c.Mix, c.Notifications, c.Events, 100*c.DuplicateShare)
	fmt.Fprintf(t.out, "steps: %s each, open loop, after %s uncounted at the first rate; timeout %s; stop above %.1f%% errors\n",
		c.StepDuration, max(c.Warmup, 0), c.Timeout, 100*c.MaxErrorShare)
	fmt.Fprintln(t.out, "latency: from each request's scheduled time to its answer, accepted requests only, in ms")
	fmt.Fprintln(t.out, "jobs/s: notifications and events accepted per second (one job each)")
	fmt.Fprintln(t.out, "errors: by HTTP status or kind; shed = not sent because max-inflight requests were already unanswered")
	if t.baseline {
		fmt.Fprintf(t.out, "raw/s: asynq.Client.Enqueue alone (no HTTP; same payloads and options) into %s, %d goroutines for %s after each step; ratio = jobs/s / raw/s\n",
			redactedURL(c.RedisURL), c.Connections, c.RawDuration)
	}
	fmt.Fprintln(t.out, "gen cpu: CPU the load generator itself used during the step, in cores")
	fmt.Fprintln(t.out)
	fmt.Fprintf(t.out, rowFormat, "target/s", "sent", "ok/s", "jobs/s", "p50", "p99", "max", "dups", "errors", "raw/s", "ratio", "gen cpu")
}

func (t table) row(r StepResult) {
	raw, ratio := "-", "-"
	if r.RawPerSecond > 0 {
		raw, ratio = fmt.Sprintf("%.0f", r.RawPerSecond), fmt.Sprintf("%.2f", r.Ratio())
	}
	fmt.Fprintf(t.out, rowFormat, fmt.Sprintf("%g", r.Rate), fmt.Sprint(r.Sent),
		fmt.Sprintf("%.1f", r.AcceptedPerSecond()), fmt.Sprintf("%.1f", r.RecordsPerSecond()),
		millis(r.P50), millis(r.P99), millis(r.Max), fmt.Sprint(r.Duplicates), formatErrors(r.Errors), raw, ratio,
		fmt.Sprintf("%.2f", r.GeneratorCores()))
}

func (t table) note(s string) { fmt.Fprintln(t.out, s) }

func millis(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// redactedURL hides a password in a Redis URL.
func redactedURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
