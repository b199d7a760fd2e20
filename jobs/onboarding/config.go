package onboarding

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed onboarding.yaml
var shippedConfig []byte

// Config is onboarding.yaml: when a customer is onboarded, who manages
// it, and the tasks it gets. Every rule lives in the file, none in Go.
type Config struct {
	Trigger struct {
		Stages   []string `yaml:"stages"`
		Statuses []string `yaml:"statuses"`
	} `yaml:"trigger"`
	Managers []string   `yaml:"managers"`
	Rules    []Rule     `yaml:"rules"`
	Sequence []Step     `yaml:"sequence"`
	Task     TaskFields `yaml:"task"`
	Notify   Notify     `yaml:"notify"`

	name string // which file, for errors
}

// Rule assigns from its own managers when every condition holds.
type Rule struct {
	Name string `yaml:"name"`
	When struct {
		Country   []string `yaml:"country"`
		Industry  []string `yaml:"industry"`
		MinAmount float64  `yaml:"min_amount"`
	} `yaml:"when"`
	Managers []string `yaml:"managers"`
}

// Step is one Task of the sequence.
type Step struct {
	Subject     string `yaml:"subject"`
	Description string `yaml:"description"`
	Owner       string `yaml:"owner"` // manager or account_owner
	Due         string `yaml:"due"`   // "N business days" or "N days"
	Priority    string `yaml:"priority"`

	subject, description *template.Template
	due                  dueIn
}

// TaskFields are every Task's picklist values.
type TaskFields struct {
	Status   string `yaml:"status"`
	Priority string `yaml:"priority"`
}

// Notify says how the Account's owner hears of the onboarding.
type Notify struct {
	Via     string `yaml:"via"` // task, chatter or none
	Subject string `yaml:"subject"`
	Due     string `yaml:"due"`

	subject *template.Template
	due     dueIn
}

// Owners and notification channels.
const (
	OwnerManager      = "manager"
	OwnerAccountOwner = "account_owner"
	NotifyTask        = "task"
	NotifyChatter     = "chatter"
	NotifyNone        = "none"
)

// Stages a trigger may name (netsuite.md §8).
var stages = []string{"LEAD", "PROSPECT", "CUSTOMER"}

// Facts are what the texts may name.
type Facts struct {
	Customer, CustomerID, Account, Manager string
}

var sampleFacts = Facts{Customer: "Acme", CustomerID: "1", Account: "Acme", Manager: "Casey"}

// LoadConfig reads the file at path, or the shipped one when path is
// empty, and checks it (not yet against Salesforce: see CheckUsers).
func LoadConfig(path string) (*Config, error) {
	if path == "" {
		return ParseConfig(shippedConfig, "shipped onboarding.yaml")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("TANDEM_ONBOARDING_RULES: %w", err)
	}
	return ParseConfig(b, "TANDEM_ONBOARDING_RULES "+path)
}

// ParseConfig decodes and checks a config; name says which in errors.
func ParseConfig(b []byte, name string) (*Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	c := Config{name: name}
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if errs := c.check(); len(errs) > 0 {
		for i, err := range errs {
			errs[i] = fmt.Errorf("%s: %w", name, err)
		}
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// userID is a Salesforce User id: 005 and 12 or 15 more characters.
var userID = regexp.MustCompile(`^005[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$`)

func (c *Config) check() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i, s := range c.Trigger.Stages {
		c.Trigger.Stages[i] = strings.ToUpper(strings.TrimSpace(s))
		if !slices.Contains(stages, c.Trigger.Stages[i]) {
			add("trigger.stages: %q is not one of %s", s, strings.Join(stages, ", "))
		}
	}
	if len(c.Trigger.Stages) == 0 && len(c.Trigger.Statuses) == 0 {
		add("trigger: stages and statuses are both empty, so no customer is ever onboarded")
	}
	checkUsers := func(where string, ids []string) {
		if len(ids) == 0 {
			add("%s: the list of managers is empty", where)
		}
		for _, id := range ids {
			if !userID.MatchString(id) {
				add("%s: %q is not a Salesforce User id (005…)", where, id)
			}
		}
	}
	checkUsers("managers", c.Managers)
	for i, r := range c.Rules {
		where := fmt.Sprintf("rules[%d] %s", i, r.Name)
		if strings.TrimSpace(r.Name) == "" {
			add("rules[%d]: name is required", i)
		}
		if len(r.When.Country) == 0 && len(r.When.Industry) == 0 && r.When.MinAmount == 0 {
			add("%s: when has no condition (country, industry or min_amount)", where)
		}
		checkUsers(where+": managers", r.Managers)
	}
	if len(c.Sequence) == 0 {
		add("sequence: no step")
	}
	for i := range c.Sequence {
		s := &c.Sequence[i]
		where := fmt.Sprintf("sequence[%d]", i)
		var err error
		if strings.TrimSpace(s.Subject) == "" {
			add("%s: subject is required", where)
		} else if s.subject, err = parseText(s.Subject); err != nil {
			add("%s: subject: %w", where, err)
		}
		if s.description, err = parseText(s.Description); err != nil {
			add("%s: description: %w", where, err)
		}
		if s.Owner != OwnerManager && s.Owner != OwnerAccountOwner {
			add("%s: owner %q is not %s or %s", where, s.Owner, OwnerManager, OwnerAccountOwner)
		}
		if s.due, err = parseDue(s.Due); err != nil {
			add("%s: due: %w", where, err)
		}
	}
	if strings.TrimSpace(c.Task.Status) == "" || strings.TrimSpace(c.Task.Priority) == "" {
		add("task: status and priority are required (Salesforce requires them on a Task)")
	}
	n := &c.Notify
	switch n.Via {
	case NotifyNone:
	case NotifyTask, NotifyChatter:
		var err error
		if strings.TrimSpace(n.Subject) == "" {
			add("notify.subject is required with via %s", n.Via)
		} else if n.subject, err = parseText(n.Subject); err != nil {
			add("notify.subject: %w", err)
		}
		if n.Via == NotifyTask {
			if n.due, err = parseDue(n.Due); err != nil {
				add("notify.due: %w", err)
			}
		}
	default:
		add("notify.via %q is not %s, %s or %s", n.Via, NotifyTask, NotifyChatter, NotifyNone)
	}
	return errs
}

// parseText parses a template and tries it on sample facts, so a typo
// fails at start-up; nil for an empty text.
func parseText(text string) (*template.Template, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	tm, err := template.New("").Option("missingkey=error").Parse(text)
	if err == nil {
		_, err = render(tm, sampleFacts)
	}
	return tm, err
}

func render(tm *template.Template, f Facts) (string, error) {
	if tm == nil {
		return "", nil
	}
	var b strings.Builder
	if err := tm.Execute(&b, f); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// text renders a checked template (checked at load with the same fields).
func text(tm *template.Template, f Facts) string {
	s, err := render(tm, f)
	if err != nil {
		return err.Error()
	}
	return s
}

// dueIn is a due-date expression: N days or N business days after the start.
type dueIn struct {
	n        int
	business bool
}

var dueExpr = regexp.MustCompile(`^(\d{1,3})\s+(business\s+)?days?$`)

func parseDue(s string) (dueIn, error) {
	m := dueExpr.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return dueIn{}, fmt.Errorf("%q is not \"N business days\" or \"N days\"", s)
	}
	n, _ := strconv.Atoi(m[1])
	return dueIn{n: n, business: m[2] != ""}, nil
}

// from is the due date counted from start (a date); business days skip
// Saturdays and Sundays, and a due date never falls on a weekend.
func (d dueIn) from(start time.Time) time.Time {
	if !d.business {
		return start.AddDate(0, 0, d.n)
	}
	day := start
	for weekend(day) {
		day = day.AddDate(0, 0, 1)
	}
	for left := d.n; left > 0; {
		day = day.AddDate(0, 0, 1)
		if !weekend(day) {
			left--
		}
	}
	return day
}

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

// confirms reports whether a customer status confirms a customer.
func (c *Config) confirms(statusID, stage string) bool {
	return slices.Contains(c.Trigger.Statuses, statusID) || slices.Contains(c.Trigger.Stages, strings.ToUpper(stage))
}

// allManagers is every user id the file names, once each.
func (c *Config) allManagers() []string {
	ids := slices.Clone(c.Managers)
	for _, r := range c.Rules {
		ids = append(ids, r.Managers...)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
