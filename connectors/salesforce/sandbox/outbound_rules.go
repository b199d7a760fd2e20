package sandbox

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
)

// OutboundRule is an Outbound Message action fired when a record of
// Object is created and every time it is edited (and Criteria holds).
type OutboundRule struct {
	Object string
	// Fields are the fields the message carries (Id always).
	Fields []string
	// URL is the endpoint; "" = Config.OutboundURL / SetOutboundURL.
	URL string
	// SendSessionID puts a session of the integration user ("User to send
	// as") into SessionId; otherwise SessionId is xsi:nil.
	SendSessionID bool
	// ActionID is the action's 04k… id; "" = generated.
	ActionID string
	// Criteria filters records (Go API value forms); nil = every change. It
	// must not call back into the sandbox.
	Criteria func(record map[string]any) bool
}

// DefaultOutboundRules are the Outbound Message actions Tandem ships
// (deploy/salesforce workflows), so tests see the traffic a deployed org
// sends: their objects and fields, each sent as the shipped flow that
// calls it decides (its entry conditions: an opportunity only when won).
func DefaultOutboundRules() []OutboundRule {
	rules, err := outboundRulesFrom(shipped.Workflows, shipped.WorkflowsDir, shipped.Flows, shipped.FlowsDir)
	if err != nil {
		panic(err) // embedded files, checked by the tests
	}
	return rules
}

// outboundRulesFrom reads the workflows' Outbound Messages and the active
// flows that send them; a message no active flow sends is never sent.
func outboundRulesFrom(workflows fs.FS, workflowsDir string, flows fs.FS, flowsDir string) ([]OutboundRule, error) {
	senders, err := flowSenders(flows, flowsDir)
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(workflows, workflowsDir+"/*.workflow-meta.xml")
	if err != nil {
		return nil, err
	}
	var out []OutboundRule
	for _, name := range files {
		raw, err := fs.ReadFile(workflows, name)
		if err != nil {
			return nil, err
		}
		var wf struct {
			Messages []struct {
				FullName string   `xml:"fullName"`
				Fields   []string `xml:"fields"`
			} `xml:"outboundMessages"`
		}
		if err := xml.Unmarshal(raw, &wf); err != nil {
			return nil, fmt.Errorf("sandbox: %s: %w", name, err)
		}
		object := strings.TrimSuffix(path.Base(name), ".workflow-meta.xml")
		for _, m := range wf.Messages {
			criteria, sent := senders[object+"."+m.FullName]
			if !sent {
				continue
			}
			out = append(out, OutboundRule{Object: object, Fields: m.Fields, Criteria: criteria})
		}
	}
	return out, nil
}

// withoutCurrency drops CurrencyIsoCode from the rules' fields: a
// single-currency org has no such field to pick for a message.
func withoutCurrency(rules []OutboundRule) []OutboundRule {
	out := slices.Clone(rules)
	for i := range out {
		out[i].Fields = slices.DeleteFunc(slices.Clone(out[i].Fields), func(f string) bool { return f == "CurrencyIsoCode" })
	}
	return out
}

// compiledRule is a rule checked against the schema: canonical object,
// its fields sorted the way Salesforce writes them (Id first, then by name).
type compiledRule struct {
	OutboundRule
	object *schema.Object
	fields []*schema.Field
}

func compileRules(s *schema.Schema, rules []OutboundRule) ([]compiledRule, error) {
	out := make([]compiledRule, len(rules))
	for i, r := range rules {
		o, ok := s.Object(r.Object)
		if !ok {
			return nil, fmt.Errorf("sandbox: outbound rule %d: unknown object %q", i, r.Object)
		}
		c := compiledRule{OutboundRule: r, object: o}
		c.Object = o.Name
		idField, _ := o.Field("Id")
		c.fields = []*schema.Field{idField}
		for _, name := range r.Fields {
			f, ok := o.Field(name)
			if !ok {
				return nil, fmt.Errorf("sandbox: outbound rule %d: no field %q on %s", i, name, o.Name)
			}
			if f != idField && !slices.Contains(c.fields, f) {
				c.fields = append(c.fields, f)
			}
		}
		slices.SortFunc(c.fields[1:], func(a, b *schema.Field) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
		if c.ActionID == "" {
			c.ActionID = sfid.New("04k", uint64(i+1))
		} else if _, ok := sfid.Normalize(c.ActionID); !ok {
			return nil, fmt.Errorf("sandbox: outbound rule %d: ActionID %q is not a Salesforce id", i, c.ActionID)
		}
		out[i] = c
	}
	return out, nil
}
