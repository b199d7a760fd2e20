package mapping

import "strings"

// The merge rule for user overrides (TANDEM_MAPPINGS_DIR):
//
//   - A file named like a shipped flow changes that flow. Each field it
//     names replaces every shipped field it overlaps ("currency" overlaps
//     "currency.id"; names match ignoring case) or is added; "field: ~"
//     removes the shipped field. A sublist given without "from" is merged
//     into the shipped sublist the same way, field by field; one given with
//     "from" replaces it. let values replace by name; vars add up. source
//     and target cannot change.
//   - A file with a new name is a new flow and needs source and target.
//   - Tables merge by key across all files; the later file wins, and
//     "key: ~" removes a key. Shipped files load first, then the directory,
//     each in the order tables.yaml, then flows by name.

// flowSpec is a flow after merging its shipped file and its override.
type flowSpec struct {
	name  string
	files []string
	flowBody
}

func newFlowSpec(f *fileSpec, p *problems) *flowSpec {
	if f.source.value == "" && f.source.line == 0 {
		p.add(f.file, 1, "source", "missing: say what the flow reads, like salesforce.Opportunity")
	}
	if f.target.value == "" && f.target.line == 0 {
		p.add(f.file, 1, "target", "missing: say what the flow writes, like netsuite.salesOrder")
	}
	checkNew(f.fields, "", p)
	return &flowSpec{name: f.flow, files: []string{f.file}, flowBody: f.flowBody}
}

// checkNew reports override-only forms in a file that defines a flow.
func checkNew(fields []*fieldSpec, prefix string, p *problems) {
	for _, f := range fields {
		switch {
		case f.drop:
			p.add(f.file, f.line, prefix+f.target, "~ removes a shipped field, but there is none to remove here; give an expression")
		case f.list != nil && !f.list.hasFrom:
			p.add(f.file, f.line, prefix+f.target, "sublist needs from: the list its lines come from")
		case f.list != nil:
			checkNew(f.list.fields, prefix+f.target+"[].", p)
		}
	}
}

// override applies a user's file to a shipped flow.
func (fs *flowSpec) override(o *fileSpec, p *problems) {
	fs.files = append(fs.files, o.file)
	for _, end := range []struct {
		name      string
		got, want located
	}{{"source", o.source, fs.source}, {"target", o.target, fs.target}} {
		if end.got.value != "" && end.got.value != end.want.value {
			p.add(o.file, end.got.line, end.name, "an override cannot change the %s (shipped: %s); write a new flow instead", end.name, end.want.value)
		}
	}
	if o.description != "" {
		fs.description = o.description
	}
	fs.vars = mergeVars(fs.vars, o.vars)
	fs.lets = mergeLets(fs.lets, o.lets)
	fs.fields = mergeFields(fs.fields, o.fields, "", p)
}

func mergeVars(base, more []located) []located {
	out := append([]located(nil), base...)
	for _, v := range more {
		if !containsVar(out, v.value) {
			out = append(out, v)
		}
	}
	return out
}

func containsVar(vars []located, name string) bool {
	for _, v := range vars {
		if v.value == name {
			return true
		}
	}
	return false
}

func mergeLets(base, more []*letSpec) []*letSpec {
	out := append([]*letSpec(nil), base...)
	for _, l := range more {
		replaced := false
		for i, b := range out {
			if b.name == l.name {
				out[i], replaced = l, true
			}
		}
		if !replaced {
			out = append(out, l)
		}
	}
	return out
}

// mergeFields applies override fields to shipped ones (see the rule above).
func mergeFields(base, more []*fieldSpec, prefix string, p *problems) []*fieldSpec {
	out := append([]*fieldSpec(nil), base...)
	for _, o := range more {
		name := prefix + o.target
		switch {
		case o.drop:
			kept := withoutOverlaps(out, o.target)
			if len(kept) == len(out) {
				p.add(o.file, o.line, name, "~ removes a shipped field, but there is no shipped field %s", o.target)
			}
			out = kept
		case o.list != nil && !o.list.hasFrom:
			shipped := findList(out, o.target)
			if shipped == nil {
				p.add(o.file, o.line, name, "sublist needs from: there is no shipped sublist %s to add to", o.target)
				continue
			}
			merged := *shipped
			merged.list = mergeList(shipped.list, o.list, name+"[].", p)
			merged.overrideOptions(o)
			out = replaceOverlaps(out, &merged)
		default:
			if o.list != nil {
				checkNew(o.list.fields, name+"[].", p)
			}
			out = replaceOverlaps(out, o)
		}
	}
	return out
}

// overrideOptions takes the sublist-level options an override gives.
func (f *fieldSpec) overrideOptions(o *fieldSpec) {
	if o.list.set["required"] {
		f.required = o.required
	}
	if o.list.set["message"] {
		f.message = o.message
	}
	if o.list.set["when"] {
		f.when = o.when
	}
}

func mergeList(base, o *listSpec, prefix string, p *problems) *listSpec {
	merged := *base
	if o.set["where"] {
		merged.where = o.where
	}
	if o.set["sort"] {
		merged.sort = o.sort
	}
	if o.set["line"] {
		merged.label = o.label
	}
	merged.lets = mergeLets(base.lets, o.lets)
	merged.fields = mergeFields(base.fields, o.fields, prefix, p)
	return &merged
}

func findList(fields []*fieldSpec, target string) *fieldSpec {
	for _, f := range fields {
		if f.list != nil && strings.EqualFold(f.target, target) {
			return f
		}
	}
	return nil
}

// replaceOverlaps puts f where the first field it overlaps was, dropping
// the others it overlaps, or appends it.
func replaceOverlaps(fields []*fieldSpec, f *fieldSpec) []*fieldSpec {
	out := make([]*fieldSpec, 0, len(fields)+1)
	placed := false
	for _, b := range fields {
		if !overlaps(b.target, f.target) {
			out = append(out, b)
		} else if !placed {
			out, placed = append(out, f), true
		}
	}
	if !placed {
		out = append(out, f)
	}
	return out
}

func withoutOverlaps(fields []*fieldSpec, target string) []*fieldSpec {
	out := make([]*fieldSpec, 0, len(fields))
	for _, b := range fields {
		if !overlaps(b.target, target) {
			out = append(out, b)
		}
	}
	return out
}

// overlaps reports whether two target fields write the same place: the
// same name (ignoring case), or one inside the other ("currency" and
// "currency.id").
func overlaps(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}

// checkTargets reports fields of one file that write the same place.
func checkTargets(fields []*fieldSpec, prefix string, p *problems) {
	for j, f := range fields {
		for _, earlier := range fields[:j] {
			if !overlaps(earlier.target, f.target) {
				continue
			}
			if strings.EqualFold(earlier.target, f.target) {
				p.add(f.file, f.line, prefix+f.target, "set twice (first at line %d)", earlier.line)
			} else {
				p.add(f.file, f.line, prefix+f.target, "set twice (%s at line %d writes the same place)", earlier.target, earlier.line)
			}
			break
		}
		if f.list != nil {
			checkTargets(f.list.fields, prefix+f.target+"[].", p)
		}
	}
}
