package mapping

import (
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Reads lists the source fields a mapping reads, so that a flow can read
// exactly those (a SOQL field list, NetSuite's ?fields=). Fields read
// inside closures (# and .field in filter, map …) are not listed.
type Reads struct {
	Fields   []string          // fields and parent paths: "CloseDate", "Account.Name"
	Children map[string]*Reads // lists that sublists read lines from: "OpportunityLineItems"
}

// readSet collects Reads while compiling.
type readSet struct {
	fields   map[string]bool
	children map[string]*readSet
}

func newReadSet() *readSet {
	return &readSet{fields: map[string]bool{}, children: map[string]*readSet{}}
}

func (r *readSet) child(path string) *readSet {
	c, ok := r.children[path]
	if !ok {
		c = newReadSet()
		r.children[path] = c
	}
	return c
}

func (r *readSet) reads() *Reads {
	out := &Reads{Children: map[string]*Reads{}}
	for f := range r.fields {
		if _, isChild := r.children[f]; !isChild {
			out.Fields = append(out.Fields, f)
		}
	}
	sort.Strings(out.Fields)
	for name, c := range r.children {
		out.Children[name] = c.reads()
	}
	return out
}

// readsVisitor collects the record paths an expression reads. It runs
// before the patcher, on the tree as parsed.
type readsVisitor struct {
	scope    *readSet // where plain names go; nil when lines are not source records
	top      *readSet // where record.<name> goes
	shadowed map[string]bool
	paths    map[ast.Node]string
	inner    map[ast.Node]bool // nodes that are part of a longer path
	locals   map[string]bool   // names declared with let inside the expression
}

func newReadsVisitor(scope, top *readSet, shadowed map[string]bool) *readsVisitor {
	return &readsVisitor{scope: scope, top: top, shadowed: shadowed,
		paths: map[ast.Node]string{}, inner: map[ast.Node]bool{}, locals: map[string]bool{}}
}

func (v *readsVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		v.paths[n] = n.Value
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if base, known := v.paths[n.Node]; ok && known {
			v.paths[n] = base + "." + prop.Value
			v.inner[n.Node] = true
		}
	case *ast.CallNode:
		v.inner[n.Callee] = true
	case *ast.VariableDeclaratorNode:
		v.locals[n.Name] = true
	}
}

// finish adds what the expression read to the read sets.
func (v *readsVisitor) finish() {
	for node, path := range v.paths {
		if v.inner[node] {
			continue
		}
		root, rest, _ := strings.Cut(path, ".")
		switch {
		case v.locals[root] || v.shadowed[root] || root == varsName || strings.HasPrefix(root, "$"):
		case root == recordName:
			if rest != "" {
				v.top.fields[rest] = true
			}
		case v.scope != nil:
			v.scope.fields[path] = true
		}
	}
}

// plainPath is the dotted path an expression is, when it is only that
// (CloseDate, Account.Name), else "".
func plainPath(n ast.Node) string {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value
	case *ast.MemberNode:
		prop, ok := x.Property.(*ast.StringNode)
		if base := plainPath(x.Node); ok && base != "" {
			return base + "." + prop.Value
		}
	}
	return ""
}
