package mapping

import (
	"errors"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// tablesFile is the name of the file that holds shared value tables.
const tablesFile = "tables.yaml"

var (
	flowNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	letNamePattern  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	yamlLinePattern = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// fileParser reads one mapping file into a fileSpec, reporting every problem.
type fileParser struct {
	file string
	p    *problems
}

// parseFile parses the YAML of one file. flow is the flow name taken from
// the file name ("" for tables.yaml).
func parseFile(file, flow string, data []byte, p *problems) *fileSpec {
	ps := fileParser{file: file, p: p}
	spec := &fileSpec{file: file, flow: flow}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.yamlError(err)
		return nil
	}
	if len(doc.Content) == 0 {
		return spec // an empty (or all-comment) file changes nothing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.add(file, root.Line, "file", "must be a mapping of keys such as source, target and fields")
		return nil
	}
	ps.eachKey(root, "", func(key string, k, v *yaml.Node) {
		ps.topLevel(spec, key, k, v)
	})
	return spec
}

// topLevel reads one top-level key.
func (ps fileParser) topLevel(spec *fileSpec, key string, k, v *yaml.Node) {
	if spec.flow == "" && key != "tables" && key != "description" {
		ps.p.add(ps.file, k.Line, key, "only tables and description belong in a tables file")
		return
	}
	switch key {
	case "flow":
		if name, ok := ps.text(v, key); ok && name != spec.flow {
			ps.p.add(ps.file, k.Line, key, "flow %q must match the file name %q", name, spec.flow+".yaml")
		}
	case "source":
		spec.source = ps.systemObject(v, key)
	case "target":
		spec.target = ps.systemObject(v, key)
	case "description":
		spec.description, _ = ps.text(v, key)
	case "vars":
		spec.vars = ps.names(v, key)
	case "let":
		spec.lets = ps.lets(v, key)
	case "fields":
		spec.fields = ps.fields(v, "")
	case "tables":
		spec.tables = ps.tables(v)
	default:
		ps.p.add(ps.file, k.Line, key, "unknown key (expected flow, source, target, description, vars, let, fields or tables)")
	}
}

// yamlError turns a YAML syntax error into file:line form.
func (ps fileParser) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	line := 1
	if m := yamlLinePattern.FindStringSubmatch("yaml: " + msg); m != nil {
		line = atoi(m[1])
		msg = m[2]
	}
	if strings.Contains(msg, "expected ',' or '}'") {
		msg += " (an expression with commas or ?? cannot go inside { }: write each option on its own line)"
	}
	ps.p.add(ps.file, line, "yaml", "%s", msg)
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// eachKey calls fn for every key of a mapping node, reporting keys given
// twice. path prefixes the key in error messages.
func (ps fileParser) eachKey(n *yaml.Node, path string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if key == "" {
			ps.p.add(ps.file, k.Line, path+`""`, "empty key")
			continue
		}
		if first, dup := seen[key]; dup {
			ps.p.add(ps.file, k.Line, path+key, "set twice (first at line %d)", first)
			continue
		}
		seen[key] = k.Line
		fn(key, k, v)
	}
}

// text reads a plain scalar.
func (ps fileParser) text(v *yaml.Node, field string) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		ps.p.add(ps.file, v.Line, field, "must be a single value")
		return "", false
	}
	return v.Value, true
}

func (ps fileParser) systemObject(v *yaml.Node, field string) located {
	s, ok := ps.text(v, field)
	if !ok {
		return located{file: ps.file, line: v.Line}
	}
	system, object, _ := strings.Cut(s, ".")
	if (system != "salesforce" && system != "netsuite") || object == "" {
		ps.p.add(ps.file, v.Line, field, "must be system.object, like salesforce.Opportunity or netsuite.salesOrder")
	}
	return located{value: s, file: ps.file, line: v.Line}
}

// names reads a list of identifiers (vars).
func (ps fileParser) names(v *yaml.Node, field string) []located {
	if v.Kind != yaml.SequenceNode {
		ps.p.add(ps.file, v.Line, field, "must be a list of names, like [customerId]")
		return nil
	}
	var out []located
	for _, item := range v.Content {
		name, ok := ps.text(item, field)
		if !ok {
			continue
		}
		if !letNamePattern.MatchString(name) {
			ps.p.add(ps.file, item.Line, field, "%q is not a name (letters, digits and _)", name)
			continue
		}
		out = append(out, located{value: name, file: ps.file, line: item.Line})
	}
	return out
}

// expression reads an expression: a scalar whose text is expr-lang.
func (ps fileParser) expression(v *yaml.Node, field string) source {
	text, ok := ps.text(v, field)
	if !ok {
		return source{}
	}
	line := v.Line
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		line++ // a block scalar starts on the line after its indicator
	}
	if strings.TrimSpace(text) == "" {
		ps.p.add(ps.file, v.Line, field, "empty expression")
		return source{}
	}
	return source{text: text, file: ps.file, line: line}
}

func (ps fileParser) lets(v *yaml.Node, path string) []*letSpec {
	if v.Kind != yaml.MappingNode {
		ps.p.add(ps.file, v.Line, path, "must map names to expressions")
		return nil
	}
	var out []*letSpec
	ps.eachKey(v, path+".", func(name string, k, v *yaml.Node) {
		field := path + "." + name
		if !letNamePattern.MatchString(name) || reserved[name] {
			ps.p.add(ps.file, k.Line, field, "%q cannot be a let name (use letters, digits and _; not %s)", name, reservedNames())
			return
		}
		if e := ps.expression(v, field); !e.empty() {
			out = append(out, &letSpec{name: name, line: k.Line, expr: e})
		}
	})
	return out
}

// fields reads a fields: mapping. prefix names the enclosing sublist in
// errors ("item.items[].").
func (ps fileParser) fields(v *yaml.Node, prefix string) []*fieldSpec {
	if v.Kind != yaml.MappingNode {
		ps.p.add(ps.file, v.Line, strings.TrimSuffix(prefix, ".")+"fields", "must map target fields to expressions")
		return nil
	}
	var out []*fieldSpec
	ps.eachKey(v, prefix, func(target string, k, v *yaml.Node) {
		if f := ps.field(prefix, target, k, v); f != nil {
			out = append(out, f)
		}
	})
	return out
}

// field reads one target field in any of its forms: an expression, ~ (drop
// it), or a mapping of options.
func (ps fileParser) field(prefix, target string, k, v *yaml.Node) *fieldSpec {
	name := prefix + target
	if !validTarget(target) {
		ps.p.add(ps.file, k.Line, name, "not a field name (letters, digits, _ and dots between names)")
		return nil
	}
	f := &fieldSpec{target: target, file: ps.file, line: k.Line, onMissing: onMissingFail, onEmpty: onEmptyOmit}
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		f.drop = true
	case v.Kind == yaml.ScalarNode:
		f.expr = ps.expression(v, name)
	case v.Kind == yaml.MappingNode && (hasKey(v, "from") || hasKey(v, "fields")):
		f.list = ps.list(f, v, name)
	case v.Kind == yaml.MappingNode:
		ps.options(f, v, name)
	default:
		ps.p.add(ps.file, k.Line, name, "must be an expression, ~ or a mapping of options")
		return nil
	}
	return f
}

// options reads {expr, value, when, default, required, message, lookup, on_empty}.
func (ps fileParser) options(f *fieldSpec, v *yaml.Node, name string) {
	ps.eachKey(v, name+".", func(key string, k, v *yaml.Node) {
		switch key {
		case "expr":
			f.expr = ps.expression(v, name)
		case "value":
			f.value, f.hasValue = ps.constant(v, name), true
		case "when", "required", "message":
			ps.common(f, key, v, name)
		case "default":
			f.def, f.hasDefault = ps.constant(v, name), true
		case "lookup":
			f.onMissing = ps.lookupPolicy(v, name)
		case "on_empty":
			f.onEmpty = ps.choice(v, name+".on_empty", onEmptyOmit, onEmptyNull)
		default:
			hint := ""
			if strings.ContainsAny(key, "()\"' ") {
				hint = "; an expression with commas cannot go inside { }: write each option on its own line"
			}
			ps.p.add(ps.file, k.Line, name, "unknown option %q (expected expr, value, when, default, required, message, lookup or on_empty%s)", key, hint)
		}
	})
	switch {
	case f.expr.empty() && !f.hasValue:
		ps.p.add(ps.file, v.Line, name, "needs expr or value")
	case !f.expr.empty() && f.hasValue:
		ps.p.add(ps.file, v.Line, name, "give expr or value, not both")
	case f.onMissing == onMissingDefault && !f.hasDefault:
		ps.p.add(ps.file, v.Line, name, "lookup.on_missing is default but no default is given")
	}
}

// common reads the options fields and sublists share.
func (ps fileParser) common(f *fieldSpec, key string, v *yaml.Node, name string) {
	switch key {
	case "when":
		f.when = ps.expression(v, name)
	case "required":
		f.required = ps.boolean(v, name+".required")
	case "message":
		f.message, _ = ps.text(v, name+".message")
	}
}

func (ps fileParser) lookupPolicy(v *yaml.Node, name string) string {
	policy := onMissingFail
	if v.Kind != yaml.MappingNode {
		ps.p.add(ps.file, v.Line, name+".lookup", "must be {on_missing: fail|skip|default}")
		return policy
	}
	ps.eachKey(v, name+".lookup.", func(key string, k, v *yaml.Node) {
		if key != "on_missing" {
			ps.p.add(ps.file, k.Line, name+".lookup", "unknown option %q (expected on_missing)", key)
			return
		}
		policy = ps.choice(v, name+".lookup.on_missing", onMissingFail, onMissingSkip, onMissingDefault)
	})
	return policy
}

func (ps fileParser) choice(v *yaml.Node, field string, allowed ...string) string {
	s, ok := ps.text(v, field)
	for _, a := range allowed {
		if ok && s == a {
			return s
		}
	}
	if ok {
		ps.p.add(ps.file, v.Line, field, "must be %s, not %q", strings.Join(allowed, ", "), s)
	}
	return allowed[0]
}

func (ps fileParser) boolean(v *yaml.Node, field string) bool {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
		ps.p.add(ps.file, v.Line, field, "must be true or false")
	}
	return b
}

// constant decodes a YAML value as it is: text, number, boolean or a map.
func (ps fileParser) constant(v *yaml.Node, field string) any {
	var out any
	if err := v.Decode(&out); err != nil {
		ps.p.add(ps.file, v.Line, field, "%v", err)
	}
	return out
}

// list reads a sublist: {from, where, sort, line, let, fields} and, onto
// the field that holds it, {required, message, when}.
func (ps fileParser) list(f *fieldSpec, v *yaml.Node, name string) *listSpec {
	l := &listSpec{set: map[string]bool{}}
	ps.eachKey(v, name+".", func(key string, k, v *yaml.Node) {
		l.set[key] = true
		switch key {
		case "from":
			l.hasFrom, l.from = true, ps.expression(v, name)
		case "where":
			l.where = ps.expression(v, name)
		case "sort":
			l.sort = ps.sortKeys(v, name)
		case "line":
			l.label = ps.expression(v, name)
		case "let":
			l.lets = ps.lets(v, name+"[]")
		case "fields":
			l.fields = ps.fields(v, name+"[].")
		case "when", "required", "message":
			ps.common(f, key, v, name)
		default:
			ps.p.add(ps.file, k.Line, name, "unknown sublist option %q (expected from, where, sort, line, let, fields, required, message or when)", key)
		}
	})
	return l
}

func (ps fileParser) sortKeys(v *yaml.Node, name string) []source {
	if v.Kind == yaml.ScalarNode {
		return []source{ps.expression(v, name)}
	}
	if v.Kind != yaml.SequenceNode {
		ps.p.add(ps.file, v.Line, name+".sort", "must be an expression or a list of them")
		return nil
	}
	var out []source
	for _, item := range v.Content {
		if e := ps.expression(item, name); !e.empty() {
			out = append(out, e)
		}
	}
	return out
}

func (ps fileParser) tables(v *yaml.Node) []*tableSpec {
	if v.Kind != yaml.MappingNode {
		ps.p.add(ps.file, v.Line, "tables", "must map table names to tables")
		return nil
	}
	var out []*tableSpec
	ps.eachKey(v, "tables.", func(name string, k, v *yaml.Node) {
		field := "tables." + name
		if !letNamePattern.MatchString(name) {
			ps.p.add(ps.file, k.Line, field, "not a table name (letters, digits and _)")
			return
		}
		if v.Kind != yaml.MappingNode {
			ps.p.add(ps.file, v.Line, field, "must map keys to values")
			return
		}
		t := &tableSpec{name: name, file: ps.file, line: k.Line}
		ps.eachKey(v, field+".", func(key string, k, v *yaml.Node) {
			e := tableEntry{key: key, line: k.Line}
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				e.delete = true
			} else {
				e.value = ps.constant(v, field+"."+key)
			}
			t.entries = append(t.entries, e)
		})
		out = append(out, t)
	})
	return out
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

var targetPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

func validTarget(s string) bool { return targetPattern.MatchString(s) }
