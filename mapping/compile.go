package mapping

import (
	"errors"
	"maps"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
)

// Mapping is one flow direction, compiled: what to write to the target
// for a source record. It is read-only and safe for concurrent use.
type Mapping struct {
	name        string
	description string
	source      Endpoint
	target      Endpoint
	files       []string
	vars        []string
	body        scope
	rates       RateSource // the exchange_rates table, for sessions without Rates
	reads       *Reads
}

// Endpoint is a system and an object or record type, like
// salesforce.Opportunity or netsuite.salesOrder.
type Endpoint struct {
	System string // "salesforce" or "netsuite"
	Object string // "Opportunity", "salesOrder" …
}

func (e Endpoint) String() string { return e.System + "." + e.Object }

func parseEndpoint(s string) Endpoint {
	system, object, _ := strings.Cut(s, ".")
	return Endpoint{System: system, Object: object}
}

// scope is what is evaluated against one record or one sublist line.
type scope struct {
	lets   []let
	fields []*field
}

type let struct {
	name string
	expr *expression
}

// field is one compiled target field.
type field struct {
	name       string   // in messages: "tranDate", "item.items[].item.id"
	path       []string // where it goes in the payload: ["item", "id"]
	expr       *expression
	value      any // the constant, when expr is nil
	when       *expression
	def        any
	hasDefault bool
	required   bool
	message    string
	emptyNote  string // "(CloseDate is empty)"
	onMissing  string
	onEmpty    string
	list       *list
}

// list is a compiled sublist.
type list struct {
	from  *expression
	where *expression
	sort  []*expression
	label *expression
	scope scope
}

// compiler compiles the flows of one set against its tables.
type compiler struct {
	tables tableSet
	p      *problems
	base   []expr.Option
}

func newCompiler(tables tableSet, p *problems) *compiler {
	opts := []expr.Option{
		expr.Env(map[string]any{
			recName:    map[string]any{},
			varsName:   map[string]any{},
			recordName: map[string]any{},
			evalName:   (*evaluation)(nil),
		}),
		expr.AllowUndefinedVariables(), // record fields are whatever the record holds
	}
	for _, h := range helpers {
		opts = append(opts, expr.Function(h.name, h.fn, h.types...))
	}
	return &compiler{tables: tables, p: p, base: opts}
}

// flowCompiler compiles one flow.
type flowCompiler struct {
	*compiler
	vars map[string]bool
	top  *readSet
}

func (c *compiler) flow(fs *flowSpec) *Mapping {
	m := &Mapping{
		name: fs.name, description: fs.description, files: fs.files,
		source: parseEndpoint(fs.source.value), target: parseEndpoint(fs.target.value),
	}
	fc := flowCompiler{compiler: c, vars: map[string]bool{}, top: newReadSet()}
	for _, v := range fs.vars {
		m.vars = append(m.vars, v.value)
		fc.vars[v.value] = true
	}
	m.body = fc.scope(fs.lets, fs.fields, "", fc.top)
	m.reads = fc.top.reads()
	m.rates = tableRates{table: c.tables[exchangeRatesTable]}
	return m
}

// scope compiles lets and fields read against one record; reads is where
// the names they read are recorded (nil when lines are not source records).
func (fc flowCompiler) scope(lets []*letSpec, fields []*fieldSpec, prefix string, reads *readSet) scope {
	shadowed := map[string]bool{}
	var sc scope
	for _, l := range lets {
		e := fc.program(l.expr, prefix+"let."+l.name, reads, shadowed)
		shadowed[l.name] = true
		sc.lets = append(sc.lets, let{name: l.name, expr: e})
	}
	for _, f := range fields {
		sc.fields = append(sc.fields, fc.field(f, prefix, reads, shadowed))
	}
	return sc
}

func (fc flowCompiler) field(f *fieldSpec, prefix string, reads *readSet, shadowed map[string]bool) *field {
	name := prefix + f.target
	cf := &field{
		name: name, path: strings.Split(f.target, "."), value: f.value,
		def: f.def, hasDefault: f.hasDefault, required: f.required, message: f.message,
		onMissing: f.onMissing, onEmpty: f.onEmpty,
	}
	if !f.when.empty() {
		cf.when = fc.program(f.when, name, reads, shadowed)
	}
	if f.list != nil {
		cf.list = fc.list(f.list, name, reads, shadowed)
		cf.emptyNote = "(" + noteFor(f.list.from.text, "has no lines", "no lines") + ")"
		return cf
	}
	if !f.expr.empty() {
		cf.expr = fc.program(f.expr, name, reads, shadowed)
		cf.emptyNote = "(" + noteFor(f.expr.text, "is empty", "no value") + ")"
	}
	return cf
}

// noteFor says why a required field is empty: "CloseDate is empty" when
// the expression is just a field, else a general note.
func noteFor(src, says, general string) string {
	if tree, err := parser.Parse(src); err == nil {
		if path := plainPath(tree.Node); path != "" {
			return path + " " + says
		}
	}
	return general
}

func (fc flowCompiler) list(l *listSpec, name string, reads *readSet, shadowed map[string]bool) *list {
	cl := &list{from: fc.program(l.from, name, reads, shadowed)}
	lineReads := (*readSet)(nil)
	if tree, err := parser.Parse(l.from.text); err == nil && reads != nil {
		if path := plainPath(tree.Node); path != "" && !shadowed[strings.Split(path, ".")[0]] {
			lineReads = reads.child(path)
		}
	}
	lineShadow := map[string]bool{}
	for _, let := range l.lets {
		lineShadow[let.name] = true
	}
	if !l.where.empty() {
		cl.where = fc.program(l.where, name, lineReads, lineShadow)
	}
	for _, s := range l.sort {
		cl.sort = append(cl.sort, fc.program(s, name, lineReads, lineShadow))
	}
	if !l.label.empty() {
		cl.label = fc.program(l.label, name, lineReads, lineShadow)
	}
	cl.scope = fc.scope(l.lets, l.fields, name+"[].", lineReads)
	return cl
}

// program compiles one expression, reporting every problem against the
// file line it is on. shadowed are the let names in scope.
func (fc flowCompiler) program(src source, field string, reads *readSet, shadowed map[string]bool) *expression {
	if src.empty() {
		return nil
	}
	tree, err := parser.Parse(src.text)
	if err != nil {
		msg, line := exprError(err)
		fc.p.add(src.file, src.line+line, field, "syntax error: %s", msg)
		return nil
	}
	rv := newReadsVisitor(reads, fc.top, shadowed)
	pt := &patcher{tables: fc.tables, vars: fc.vars, names: declaredNames(tree.Node, shadowed)}
	prog, err := expr.Compile(src.text, append(fc.base[:len(fc.base):len(fc.base)], expr.Patch(rv), expr.Patch(pt))...)
	for _, e := range pt.errs {
		fc.p.add(src.file, src.line+linesBefore(src.text, e.at), field, "%s", e.msg)
	}
	if len(pt.errs) > 0 {
		return nil
	}
	if err != nil {
		msg, line := exprError(err)
		fc.p.add(src.file, src.line+line, field, "%s", msg)
		return nil
	}
	rv.finish()
	if path := plainPath(tree.Node); path != "" {
		return pathExpression(path, shadowed)
	}
	return &expression{prog: prog}
}

// declaredNames are the names that are not record fields: the let names
// in scope and those the expression declares itself (let x = …; x).
func declaredNames(root ast.Node, shadowed map[string]bool) map[string]bool {
	names := maps.Clone(shadowed)
	ast.Find(root, func(n ast.Node) bool {
		if d, ok := n.(*ast.VariableDeclaratorNode); ok {
			names[d.Name] = true
		}
		return false
	})
	return names
}

// exprError is expr's message without its source excerpt, and the line
// of the expression it is on (from 0).
func exprError(err error) (string, int) {
	var fe *file.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if fe.Column > 0 {
			msg += " (column " + itoa(fe.Column+1) + ")"
		}
		return msg, max(fe.Line-1, 0)
	}
	return err.Error(), 0
}

func itoa(n int) string { return textOf(n) }

// linesBefore counts the line breaks before a rune offset.
func linesBefore(text string, runes int) int {
	n := 0
	for _, r := range text {
		if runes <= 0 {
			break
		}
		if r == '\n' {
			n++
		}
		runes--
	}
	return n
}
