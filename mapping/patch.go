package mapping

import (
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Names the mapping language gives a meaning of its own. A record field
// with one of these names is shadowed; record.<name> still reaches it.
const (
	varsName   = "vars"   // values the flow passes in
	recordName = "record" // the whole source record (in sublist lines: the parent record)
)

// Names only Tandem can write (expr lets no mapping name start with $).
const (
	evalName = "$eval" // the running evaluation, passed to lookup() and convert()
	recName  = "$rec"  // the record or line being mapped
	getName  = "$get"  // reads a field: $get(object, "name")
)

var reserved = map[string]bool{varsName: true, recordName: true}

func reservedNames() string { return varsName + " or " + recordName }

// patcher checks an expression against the mapping language and prepares
// it to run; it runs inside expr's compiler, between parsing and type
// checking. It
//   - rejects unknown functions, tables and vars, and method calls;
//   - turns each record field read (Name, Account.Name, .defaultBilling)
//     into $get, which reads maps without reflection, gives null for a
//     parent that is not set (Salesforce sends null), and normalises the
//     value it reads (see normalize.go);
//   - replaces a table's name by the table itself (no name lookup per record);
//   - passes the evaluation to lookup() and convert().
type patcher struct {
	tables tableSet
	vars   map[string]bool
	names  map[string]bool // let names and names declared inside the expression: not record fields
	errs   []patchError
}

// patchError is a problem and where in the expression it is.
type patchError struct {
	msg string
	at  int // offset in runes, for the line
}

func (p *patcher) fail(at ast.Node, format string, args ...any) {
	p.errs = append(p.errs, patchError{msg: fmt.Sprintf(format, args...), at: at.Location().From})
}

func (p *patcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		switch {
		case strings.HasPrefix(n.Value, "$"):
			p.fail(n, "%s is not available in mappings", n.Value)
		case !reserved[n.Value] && !p.names[n.Value]:
			*node = getCall(&ast.IdentifierNode{Value: recName}, n.Value)
		}
	case *ast.MemberNode:
		if prop, ok := n.Property.(*ast.StringNode); ok {
			p.checkVar(n, prop.Value)
			*node = getCall(n.Node, prop.Value)
			return
		}
		n.Optional = true // list[0], map[key]: expr's own fetch, null-safe
		*node = &ast.ChainNode{Node: n}
	case *ast.CallNode:
		p.call(n)
	}
}

// getCall is $get(object, "name").
func getCall(object ast.Node, name string) *ast.CallNode {
	return &ast.CallNode{
		Callee:    &ast.IdentifierNode{Value: getName},
		Arguments: []ast.Node{object, &ast.StringNode{Value: name}},
	}
}

// fieldRead returns the name a $get call on the record reads, when n is one.
func fieldRead(n ast.Node) (string, bool) {
	c, ok := n.(*ast.CallNode)
	if !ok || len(c.Arguments) != 2 {
		return "", false
	}
	callee, ok1 := c.Callee.(*ast.IdentifierNode)
	rec, ok2 := c.Arguments[0].(*ast.IdentifierNode)
	name, ok3 := c.Arguments[1].(*ast.StringNode)
	if !ok1 || !ok2 || !ok3 || callee.Value != getName || rec.Value != recName {
		return "", false
	}
	return name.Value, true
}

func (p *patcher) checkVar(n *ast.MemberNode, name string) {
	if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == varsName && !p.vars[name] {
		p.fail(n, "unknown var %q (declare it under vars)", name)
	}
}

func (p *patcher) call(n *ast.CallNode) {
	if name, ok := fieldRead(n.Callee); ok { // the callee was taken for a field: put it back
		n.Callee = &ast.IdentifierNode{Value: name}
	}
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		p.fail(n, "only functions can be called, like round(x, 2)")
		return
	}
	name := id.Value
	if name == getName {
		return // made by Visit
	}
	if tableName, ok := tableAliases[name]; ok {
		id.Value, name = "table", "table"
		n.Arguments = append([]ast.Node{&ast.StringNode{Value: tableName}}, n.Arguments...)
	}
	h, ok := helperByName[name]
	if !ok {
		p.fail(n, "unknown function %q", name)
		return
	}
	switch name {
	case "table":
		p.tableArg(n)
	case "lookup":
		p.lookupArgs(n)
	}
	if h.eval {
		n.Arguments = append([]ast.Node{&ast.IdentifierNode{Value: evalName}}, n.Arguments...)
	}
}

// tableArg replaces table("name", …)'s name by the table.
func (p *patcher) tableArg(n *ast.CallNode) {
	if len(n.Arguments) == 0 {
		return // expr reports the missing arguments
	}
	name, ok := n.Arguments[0].(*ast.StringNode)
	if !ok {
		p.fail(n, `a table's name must be written in quotes, like table("currencies", CurrencyIsoCode)`)
		return
	}
	t, ok := p.tables[name.Value]
	if !ok {
		p.fail(n, "unknown table %q", name.Value)
		return
	}
	n.Arguments[0] = &ast.ConstantNode{Value: t}
}

// lookupArgs checks lookup("system", "recordType", "field", value).
func (p *patcher) lookupArgs(n *ast.CallNode) {
	for i := 0; i < 3 && i < len(n.Arguments); i++ {
		if _, ok := n.Arguments[i].(*ast.StringNode); !ok {
			p.fail(n, `lookup's system, record type and field must be written in quotes, like lookup("netsuite", "customer", "externalId", AccountId)`)
			return
		}
	}
	if len(n.Arguments) > 0 {
		if system := n.Arguments[0].(*ast.StringNode).Value; system != "netsuite" && system != "salesforce" {
			p.fail(n, `lookup's system must be "netsuite" or "salesforce", not %q`, system)
		}
	}
}
