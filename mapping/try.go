package mapping

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// What `tandem mapping check` and `tandem mapping try` need: they only
// print what these return.

// Report describes the loaded mappings.
type Report struct {
	Dir   string // the user's directory, "" when only shipped mappings are used
	Flows []FlowReport
}

// FlowReport describes one loaded mapping.
type FlowReport struct {
	Name   string
	Source Endpoint
	Target Endpoint
	Files  []string
	Fields int // target fields, sublist fields included
}

// Check loads every mapping and describes them. Its error lists every
// problem as "file:line: field: message".
func Check(cfg Config) (*Report, error) {
	set, err := Load(cfg)
	if err != nil {
		return nil, err
	}
	r := &Report{Dir: cfg.Dir}
	for _, name := range set.Flows() {
		m := set.flows[name]
		r.Flows = append(r.Flows, FlowReport{Name: name, Source: m.source, Target: m.target,
			Files: m.Files(), Fields: countFields(m.body.fields)})
	}
	return r, nil
}

func countFields(fields []*field) int {
	n := 0
	for _, f := range fields {
		n++
		if f.list != nil {
			n += countFields(f.list.scope.fields)
		}
	}
	return n
}

func (r *Report) String() string {
	var b strings.Builder
	from := "shipped mappings only"
	if r.Dir != "" {
		from = "shipped mappings with changes from " + r.Dir
	}
	fmt.Fprintf(&b, "mappings OK: %d flows (%s)\n", len(r.Flows), from)
	for _, f := range r.Flows {
		fmt.Fprintf(&b, "  %-28s %s -> %s, %d fields (%s)\n", f.Name, f.Source, f.Target, f.Fields, strings.Join(f.Files, ", "))
	}
	return b.String()
}

// TryInput is a record to map without writing anything.
type TryInput struct {
	Flow   string
	Record []byte         // JSON: a REST record, or a query result or collection whose first record is used
	Vars   map[string]any // declared vars not given here show as "<name>"
	Finder Finder         // nil: lookups are not run, the payload shows what they would look for
	Rates  RateSource     // nil: the exchange_rates table
}

// TryResult is what a mapping would write for a record, and what it
// would read to do so.
type TryResult struct {
	Flow    string
	Target  Endpoint
	Payload map[string]any // nil when the record cannot be mapped
	Lookups []LookupCall
	Rates   []RateCall
	Err     error // why the record cannot be mapped (a *RecordError, or a failed read)
}

// Try loads the mappings and maps one record with one of them. It writes
// nothing anywhere: the only reads are the Finder's and the RateSource's.
// The error is for input Try cannot use; a record the mapping rejects is
// reported in TryResult.Err.
func Try(ctx context.Context, cfg Config, in TryInput) (*TryResult, error) {
	set, err := Load(cfg)
	if err != nil {
		return nil, err
	}
	return set.Try(ctx, in)
}

// Try maps one record with a loaded set; see the function Try.
func (s *Set) Try(ctx context.Context, in TryInput) (*TryResult, error) {
	m, err := s.Mapping(in.Flow)
	if err != nil {
		return nil, err
	}
	rec, err := decodeRecord(in.Record)
	if err != nil {
		return nil, err
	}
	vars := map[string]any{}
	for _, name := range m.vars {
		vars[name] = "<" + name + ">"
	}
	for k, v := range in.Vars {
		vars[k] = v
	}
	sess := &Session{Finder: in.Finder, Rates: in.Rates}
	if sess.Finder == nil {
		sess.Finder = previewFinder{}
	}
	payload, err := m.Apply(ctx, sess, rec, vars)
	return &TryResult{Flow: m.name, Target: m.target, Payload: payload,
		Lookups: sess.Lookups(), Rates: sess.RatesUsed(), Err: err}, nil
}

// decodeRecord reads a record from JSON, taking the first record of a
// Salesforce query result or a NetSuite collection.
func decodeRecord(data []byte) (map[string]any, error) {
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("reading the record: %w", err)
	}
	for _, key := range []string{"records", "items"} {
		list, ok := rec[key].([]any)
		if !ok || rec["attributes"] != nil {
			continue
		}
		if len(list) == 0 {
			return nil, errors.New("reading the record: the result holds no records")
		}
		first, ok := list[0].(map[string]any)
		if !ok {
			return nil, errors.New("reading the record: the first result is not a record")
		}
		return first, nil
	}
	return rec, nil
}

// previewFinder answers lookups when Try has no connection: the "id" says
// what would be looked up.
type previewFinder struct{}

func (previewFinder) Find(_ context.Context, q Query) ([]string, error) {
	return []string{"<" + q.String() + ">"}, nil
}

func (r *TryResult) String() string {
	var b strings.Builder
	if r.Err != nil {
		fmt.Fprintf(&b, "cannot map this record: %v\n", r.Err)
	} else {
		fmt.Fprintf(&b, "would write %s:\n", r.Target)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(r.Payload) // a payload of decoded JSON values always encodes
		b.Write(buf.Bytes())
	}
	if len(r.Lookups) > 0 {
		b.WriteString("lookups:\n")
		for _, l := range r.Lookups {
			result := strings.Join(l.IDs, ", ")
			switch {
			case l.Err != nil:
				result = "error: " + l.Err.Error()
			case len(l.IDs) == 0:
				result = "nothing found"
			}
			fmt.Fprintf(&b, "  %s -> %s\n", l.Query, result)
		}
	}
	if len(r.Rates) > 0 {
		b.WriteString("exchange rates:\n")
		for _, c := range r.Rates {
			if c.Err != nil {
				fmt.Fprintf(&b, "  %s -> %s: %v\n", c.From, c.To, c.Err)
			} else {
				fmt.Fprintf(&b, "  %s -> %s: %v\n", c.From, c.To, c.Rate)
			}
		}
	}
	b.WriteString("nothing was written\n")
	return b.String()
}
