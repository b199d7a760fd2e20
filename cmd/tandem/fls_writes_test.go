package main

import (
	"go/ast"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// addMapWrites scans the Go files under dir for the fields Go code writes
// to Salesforce in map literals: the body of Create(ctx, "Task", fields),
// Update(ctx, "Account", id, fields), Upsert(ctx, object, extField, key,
// fields) and of composite subrequests {Path: "/sobjects/Task", Body:
// fields}, where fields is a map literal or a variable the function fills
// with literal keys. Objects may be named by string constants.
func (u fieldUse) addMapWrites(t *testing.T, dir string) {
	t.Helper()
	files := goSources(t, dir)
	consts := map[string]string{}
	for _, file := range files {
		ast.Inspect(file, func(n ast.Node) bool {
			if spec, ok := n.(*ast.ValueSpec); ok {
				for i, name := range spec.Names {
					if i < len(spec.Values) {
						if s, ok := literalText(spec.Values[i]); ok && !strings.Contains(s, "?") {
							consts[name.Name] = s
						}
					}
				}
			}
			return true
		})
	}
	org := schema.Default()
	for path, file := range files {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			w := mapWrites{consts: consts, keys: map[any][]string{}}
			w.collectKeys(fn)
			for object, fields := range w.writes(fn) {
				if o, ok := org.Object(object); ok && o.Name == object { // NetSuite record types are lower case
					for _, f := range fields {
						u[[2]string{object, f}] = path + " (map literal)"
					}
				}
			}
		}
	}
}

// mapWrites reads one function.
type mapWrites struct {
	consts map[string]string // package-level string constants, by name
	keys   map[any][]string  // literal keys put in each map variable, by its declaration
}

// collectKeys records the literal keys of map literals assigned to a
// variable and of v["Key"] = … assignments.
func (w mapWrites) collectKeys(fn *ast.FuncDecl) {
	ast.Inspect(fn, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, lhs := range as.Lhs {
			switch l := lhs.(type) {
			case *ast.Ident:
				if i < len(as.Rhs) {
					w.keys[variable(l)] = append(w.keys[variable(l)], literalKeys(as.Rhs[i])...)
				}
			case *ast.IndexExpr:
				if v, ok := l.X.(*ast.Ident); ok {
					if k, ok := literalText(l.Index); ok && !strings.Contains(k, "?") {
						w.keys[variable(v)] = append(w.keys[variable(v)], k)
					}
				}
			}
		}
		return true
	})
}

// variable tells apart variables of one name in different blocks by
// their declaration (the parser's object resolution).
func variable(id *ast.Ident) any {
	if id.Obj != nil {
		return id.Obj
	}
	return id.Name
}

// writes maps each object written in fn to the fields written.
func (w mapWrites) writes(fn *ast.FuncDecl) map[string][]string {
	out := map[string][]string{}
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || len(n.Args) < 3 {
				return true
			}
			switch sel.Sel.Name {
			case "Create", "Update", "Upsert":
				if object, ok := w.text(n.Args[1]); ok {
					out[object] = append(out[object], w.fields(n.Args[len(n.Args)-1])...)
				}
			}
		case *ast.CompositeLit: // salesforce.Subrequest{Path: "/sobjects/Task", Body: fields}
			var path string
			var body ast.Expr
			for _, elt := range n.Elts {
				kv, ok := elt.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				switch key, _ := kv.Key.(*ast.Ident); {
				case key == nil:
				case key.Name == "Path":
					path, _ = w.text(kv.Value)
				case key.Name == "Body":
					body = kv.Value
				}
			}
			if rest, ok := strings.CutPrefix(path, "/sobjects/"); ok && body != nil {
				object, _, _ := strings.Cut(rest, "/")
				out[object] = append(out[object], w.fields(body)...)
			}
		}
		return true
	})
	return out
}

// text is a string literal, concatenation (non-constant parts "?") or
// constant.
func (w mapWrites) text(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.Ident:
		s, ok := w.consts[e.Name]
		return s, ok
	case *ast.BinaryExpr:
		l, lok := w.text(e.X)
		r, rok := w.text(e.Y)
		if !lok {
			l = "?"
		}
		if !rok {
			r = "?"
		}
		return l + r, lok || rok
	}
	return literalText(e)
}

// fields are the keys of a map literal, or those put in a map variable.
func (w mapWrites) fields(e ast.Expr) []string {
	if id, ok := e.(*ast.Ident); ok {
		return w.keys[variable(id)]
	}
	return literalKeys(e)
}

// literalKeys are the string keys of a map composite literal.
func literalKeys(e ast.Expr) []string {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	if _, isMap := lit.Type.(*ast.MapType); !isMap {
		return nil
	}
	var keys []string
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if k, ok := literalText(kv.Key); ok && !strings.Contains(k, "?") {
				keys = append(keys, k)
			}
		}
	}
	return keys
}
