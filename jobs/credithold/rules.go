package credithold

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

//go:embed credit_hold.yaml
var shippedRules []byte

// Rules are credit_hold.yaml: when a customer is on hold and what the
// account owner is told. Every rule lives in the file, none in Go.
type Rules struct {
	Hold    HoldRules `yaml:"hold"`
	Reasons struct {
		OverrideOn    string `yaml:"override_on"`
		OverLimit     string `yaml:"over_limit"`
		OverdueDays   string `yaml:"overdue_days"`
		OverdueAmount string `yaml:"overdue_amount"`
	} `yaml:"reasons"`
	Task    TaskRules `yaml:"task"`
	Chatter struct {
		Enabled bool   `yaml:"enabled"`
		Body    string `yaml:"body"`
	} `yaml:"chatter"`

	tmpl map[string]*template.Template // parsed texts, by name
}

// HoldRules decide whether a customer is on hold.
type HoldRules struct {
	OverrideOn    bool    `yaml:"override_on"`
	OverLimit     bool    `yaml:"over_limit"`
	OverdueDays   int     `yaml:"overdue_days"`
	OverdueAmount float64 `yaml:"overdue_amount"`
	OffReleases   bool    `yaml:"off_releases"`
}

// TaskRules shape the account owner's Task.
type TaskRules struct {
	Subject        string `yaml:"subject"`
	Description    string `yaml:"description"`
	DueInDays      int    `yaml:"due_in_days"`
	Status         string `yaml:"status"`
	Priority       string `yaml:"priority"`
	OnRelease      string `yaml:"on_release"`
	ReleaseComment string `yaml:"release_comment"`
}

// Release actions.
const (
	ReleaseComplete = "complete"
	ReleaseComment  = "comment"
)

// Template names.
const (
	tmplOverrideOn    = "reasons.override_on"
	tmplOverLimit     = "reasons.over_limit"
	tmplOverdueDays   = "reasons.overdue_days"
	tmplOverdueAmount = "reasons.overdue_amount"
	tmplSubject       = "task.subject"
	tmplDescription   = "task.description"
	tmplComment       = "task.release_comment"
	tmplChatter       = "chatter.body"
)

// LoadRules reads the rules file at path, or the shipped one when path is
// empty, and checks it.
func LoadRules(path string) (*Rules, error) {
	if path == "" {
		return ParseRules(shippedRules, "shipped credit_hold.yaml")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("TANDEM_CREDIT_HOLD_RULES: %w", err)
	}
	return ParseRules(b, "TANDEM_CREDIT_HOLD_RULES "+path)
}

// ParseRules decodes and checks a rules file; name says which in errors.
func ParseRules(b []byte, name string) (*Rules, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var r Rules
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if errs := r.check(); len(errs) > 0 {
		for i, err := range errs {
			errs[i] = fmt.Errorf("%s: %w", name, err)
		}
		return nil, errors.Join(errs...)
	}
	return &r, nil
}

func (r *Rules) check() []error {
	var errs []error
	h, t := r.Hold, r.Task
	if h.OverdueDays < 0 || h.OverdueAmount < 0 {
		errs = append(errs, errors.New("hold: overdue_days and overdue_amount must be 0 (off) or more"))
	}
	if !h.OverrideOn && !h.OverLimit && h.OverdueDays == 0 && h.OverdueAmount == 0 {
		errs = append(errs, errors.New("hold: every rule is off, so no customer is ever on hold"))
	}
	if t.DueInDays < 0 {
		errs = append(errs, errors.New("task: due_in_days must be 0 or more"))
	}
	if strings.TrimSpace(t.Status) == "" || strings.TrimSpace(t.Priority) == "" {
		errs = append(errs, errors.New("task: status and priority are required (Salesforce requires them on a Task)"))
	}
	if t.OnRelease != ReleaseComplete && t.OnRelease != ReleaseComment {
		errs = append(errs, fmt.Errorf("task: on_release %q is not %s or %s", t.OnRelease, ReleaseComplete, ReleaseComment))
	}
	texts := map[string]string{
		tmplOverrideOn: r.Reasons.OverrideOn, tmplOverLimit: r.Reasons.OverLimit,
		tmplOverdueDays: r.Reasons.OverdueDays, tmplOverdueAmount: r.Reasons.OverdueAmount,
		tmplSubject: t.Subject, tmplDescription: t.Description, tmplComment: t.ReleaseComment, tmplChatter: r.Chatter.Body,
	}
	required := map[string]bool{tmplSubject: true, tmplOverrideOn: true, tmplOverLimit: true, tmplOverdueDays: true,
		tmplOverdueAmount: true, tmplComment: t.OnRelease == ReleaseComment, tmplChatter: r.Chatter.Enabled}
	r.tmpl = map[string]*template.Template{}
	for name, text := range texts {
		if strings.TrimSpace(text) == "" {
			if required[name] {
				errs = append(errs, fmt.Errorf("%s is required", name))
			}
			continue
		}
		tm, err := template.New(name).Option("missingkey=error").Parse(text)
		if err == nil {
			_, err = execute(tm, sampleFacts)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		r.tmpl[name] = tm
	}
	return errs
}

// sampleFacts try every template at start-up, so a typo fails there.
var sampleFacts = Facts{Customer: "Acme", CustomerID: "1", Reason: "r"}

// Text renders the named template with f; "" when the file leaves it empty.
func (r *Rules) text(name string, f Facts) string {
	tm := r.tmpl[name]
	if tm == nil {
		return ""
	}
	s, err := execute(tm, f)
	if err != nil { // checked at load with the same fields
		return err.Error()
	}
	return s
}

func execute(tm *template.Template, f Facts) (string, error) {
	var b strings.Builder
	if err := tm.Execute(&b, f); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}
