package sandbox

import (
	"encoding/xml"
	"fmt"
	"io/fs"
	"strings"
)

// flowMeta is the part of a record-triggered flow's *.flow-meta.xml that
// decides when it sends an Outbound Message: its start element's entry
// conditions and its outboundMessage action calls.
type flowMeta struct {
	Status  string `xml:"status"`
	Actions []struct {
		Name string `xml:"actionName"` // <Object>.<Outbound Message>
		Type string `xml:"actionType"`
	} `xml:"actionCalls"`
	Start struct {
		Object      string       `xml:"object"`
		FilterLogic string       `xml:"filterLogic"`
		Filters     []flowFilter `xml:"filters"`
	} `xml:"start"`
}

// flowFilter is one entry condition: field, operator and a typed value.
type flowFilter struct {
	Field    string `xml:"field"`
	Operator string `xml:"operator"`
	Value    struct {
		Boolean *bool    `xml:"booleanValue"`
		String  *string  `xml:"stringValue"`
		Number  *float64 `xml:"numberValue"`
	} `xml:"value"`
}

// flowSenders maps "<Object>.<Outbound Message>" to the entry conditions
// of the active flow that sends it (nil: every save).
func flowSenders(flows fs.FS, dir string) (map[string]func(map[string]any) bool, error) {
	files, err := fs.Glob(flows, dir+"/*.flow-meta.xml")
	if err != nil {
		return nil, err
	}
	out := map[string]func(map[string]any) bool{}
	for _, name := range files {
		raw, err := fs.ReadFile(flows, name)
		if err != nil {
			return nil, err
		}
		var f flowMeta
		if err := xml.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("sandbox: %s: %w", name, err)
		}
		if f.Status != "Active" {
			continue
		}
		criteria, err := f.criteria()
		if err != nil {
			return nil, fmt.Errorf("sandbox: %s: %w", name, err)
		}
		for _, a := range f.Actions {
			if a.Type == "outboundMessage" {
				out[a.Name] = criteria
			}
		}
	}
	return out, nil
}

// criteria is the flow's entry conditions as a test of a record; nil when
// it has none. Conditions the sandbox cannot evaluate are an error, so a
// changed flow never silently sends everything.
func (f *flowMeta) criteria() (func(map[string]any) bool, error) {
	if len(f.Start.Filters) == 0 {
		return nil, nil
	}
	var tests []func(map[string]any) bool
	for _, c := range f.Start.Filters {
		test, err := c.test()
		if err != nil {
			return nil, err
		}
		tests = append(tests, test)
	}
	switch strings.ToLower(f.Start.FilterLogic) {
	case "", "and":
		return func(rec map[string]any) bool {
			for _, t := range tests {
				if !t(rec) {
					return false
				}
			}
			return true
		}, nil
	case "or":
		return func(rec map[string]any) bool {
			for _, t := range tests {
				if t(rec) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, fmt.Errorf("filterLogic %q: the sandbox evaluates and / or only", f.Start.FilterLogic)
}

// test is one condition (Go API value forms: bool, string, float64).
func (c flowFilter) test() (func(map[string]any) bool, error) {
	var want any
	switch v := c.Value; {
	case v.Boolean != nil:
		want = *v.Boolean
	case v.String != nil:
		want = *v.String
	case v.Number != nil:
		want = *v.Number
	}
	equal := func(rec map[string]any) bool { return want != nil && rec[c.Field] == want }
	switch c.Operator {
	case "EqualTo":
		return equal, nil
	case "NotEqualTo":
		return func(rec map[string]any) bool { return !equal(rec) }, nil
	case "IsNull":
		isNull, ok := want.(bool)
		if !ok {
			return nil, fmt.Errorf("filter on %s: IsNull takes a booleanValue", c.Field)
		}
		return func(rec map[string]any) bool { return (rec[c.Field] == nil || rec[c.Field] == "") == isNull }, nil
	}
	return nil, fmt.Errorf("filter on %s: operator %q is not one the sandbox evaluates (EqualTo, NotEqualTo, IsNull)", c.Field, c.Operator)
}
