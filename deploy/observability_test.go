package deploy

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
)

// The Grafana dashboard and the Prometheus alert rules, linted against the
// metrics the code registers (internal/metrics).
const (
	dashboardPath = "grafana/tandem-dashboard.json"
	alertsPath    = "prometheus/alerts.yaml"
)

// requiredAlerts are the conditions operators must hear about.
var requiredAlerts = []string{
	"TandemArchivedJobsGrowing", "TandemWebhook5xx", "TandemSalesforceAPIUsageHigh", "TandemNetSuite429s", "TandemQueueBacklog",
}

type alertRule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

func alertRules(t *testing.T) []alertRule {
	t.Helper()
	docs := yamlDocs[struct {
		Groups []struct {
			Name  string      `yaml:"name"`
			Rules []alertRule `yaml:"rules"`
		} `yaml:"groups"`
	}](t, alertsPath)
	var rules []alertRule
	for _, d := range docs {
		for _, g := range d.Groups {
			rules = append(rules, g.Rules...)
		}
	}
	return rules
}

func TestAlertRulesAreComplete(t *testing.T) {
	rules := alertRules(t)
	var names []string
	for _, r := range rules {
		names = append(names, r.Alert)
		if r.Alert == "" || strings.TrimSpace(r.Expr) == "" {
			t.Errorf("rule %+v: needs alert and expr", r)
		}
		if d, err := time.ParseDuration(r.For); err != nil || d <= 0 {
			t.Errorf("%s: for %q is not a positive duration", r.Alert, r.For)
		}
		if !slices.Contains([]string{"warning", "critical"}, r.Labels["severity"]) {
			t.Errorf("%s: labels.severity %q, want warning or critical", r.Alert, r.Labels["severity"])
		}
		if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("%s: needs annotations summary and description", r.Alert)
		}
	}
	for _, want := range requiredAlerts {
		if !slices.Contains(names, want) {
			t.Errorf("%s has no %s rule", alertsPath, want)
		}
	}
}

type dashboardPanel struct {
	Title   string `json:"title"`
	Type    string `json:"type"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []dashboardPanel `json:"panels"` // a row's
}

// dashboardExprs are the PromQL queries of every panel, by panel title.
func dashboardExprs(t *testing.T) map[string][]string {
	t.Helper()
	var d struct {
		Title  string           `json:"title"`
		UID    string           `json:"uid"`
		Panels []dashboardPanel `json:"panels"`
	}
	if err := json.Unmarshal(readFile(t, dashboardPath), &d); err != nil {
		t.Fatalf("%s: %v", dashboardPath, err)
	}
	if d.Title == "" || d.UID == "" {
		t.Errorf("%s: needs a title and a uid", dashboardPath)
	}
	exprs := map[string][]string{}
	var walk func([]dashboardPanel)
	walk = func(ps []dashboardPanel) {
		for _, p := range ps {
			for _, target := range p.Targets {
				exprs[p.Title] = append(exprs[p.Title], target.Expr)
			}
			if p.Type != "row" && len(p.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", dashboardPath, p.Title)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return exprs
}

// Every query names only metrics Tandem registers, with label values it
// uses, and the dashboard shows every metric Tandem registers.
func TestDashboardAndAlertsUseRegisteredMetrics(t *testing.T) {
	queries := map[string]string{} // query → where
	for title, exprs := range dashboardExprs(t) {
		for _, e := range exprs {
			queries[e] = dashboardPath + " panel " + title
		}
	}
	for _, r := range alertRules(t) {
		queries[r.Expr] = alertsPath + " " + r.Alert
	}
	onDashboard := map[string]bool{}
	for q, where := range queries {
		if err := balanced(q); err != nil {
			t.Errorf("%s: %v in %s", where, err, q)
		}
		for _, name := range metricNames(q) {
			if !slices.Contains(metrics.Names(), name) {
				t.Errorf("%s uses %s, which Tandem does not register", where, name)
			}
			if strings.HasPrefix(where, dashboardPath) {
				onDashboard[name] = true
			}
		}
		checkLabelValues(t, where, q)
	}
	for _, name := range metrics.Names() {
		if !onDashboard[name] {
			t.Errorf("%s shows nothing of %s", dashboardPath, name)
		}
	}
}

var (
	tandemMetric = regexp.MustCompile(`\btandem_[a-z0-9_]+`)
	labelMatcher = regexp.MustCompile(`\b([a-z_]+)\s*(?:=~|!~|!=|=)\s*"([^"]*)"`)
)

// metricNames are the tandem_ metrics a query reads, a histogram's series
// (_bucket, _sum, _count) by the histogram's name.
func metricNames(query string) []string {
	var names []string
	for _, n := range tandemMetric.FindAllString(query, -1) {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(n, suffix); ok && slices.Contains(metrics.Names(), base) {
				n = base
			}
		}
		names = append(names, n)
	}
	return names
}

// checkLabelValues fails on a matcher for a value Tandem never sets: a
// misspelt outcome would make an alert that can never fire.
func checkLabelValues(t *testing.T, where, query string) {
	t.Helper()
	known := map[string][]string{
		"outcome": {metrics.OutcomeAccepted, metrics.OutcomeRefused, metrics.OutcomeInvalid, metrics.OutcomeUnavailable,
			metrics.OutcomeError, jobs.OutcomeDone, jobs.OutcomeThrottled, jobs.OutcomeRetry, jobs.OutcomeArchived},
		"state":  metrics.QueueStates(),
		"system": {"salesforce", "netsuite"},
	}
	for _, m := range labelMatcher.FindAllStringSubmatch(query, -1) {
		allowed, ok := known[m[1]]
		if !ok {
			continue
		}
		for _, v := range strings.Split(m[2], "|") {
			if !slices.Contains(allowed, v) {
				t.Errorf("%s: %s=%q, but Tandem's values are %v", where, m[1], v, allowed)
			}
		}
	}
}

// balanced reports unbalanced brackets or quotes, the commonest breakage
// of a hand-edited query.
func balanced(q string) error {
	var stack []rune
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	inString := false
	for _, c := range q {
		switch {
		case c == '"':
			inString = !inString
		case inString:
		case c == '(' || c == '[' || c == '{':
			stack = append(stack, c)
		case pairs[c] != 0:
			if len(stack) == 0 || stack[len(stack)-1] != pairs[c] {
				return errUnbalanced
			}
			stack = stack[:len(stack)-1]
		}
	}
	if inString || len(stack) > 0 {
		return errUnbalanced
	}
	return nil
}

var errUnbalanced = errors.New("unbalanced brackets or quotes")
