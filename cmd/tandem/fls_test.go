package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
	"github.com/tandem-sync/tandem/jobs/credithold"
	"github.com/tandem-sync/tandem/jobs/invoices"
	"github.com/tandem-sync/tandem/mapping"
)

// fieldUse collects the Salesforce fields Tandem reads or writes, as
// object and field path ("Account.Name" walks a relationship).
type fieldUse map[[2]string]string // {object, path} → where it is used

// TestPermissionSetGrantsWhatTandemUses: the shipped Tandem_Integration
// permission set grants every field the shipped mappings and the flows'
// SOQL read or write, so an org with field-level security (an API-only
// integration user) lets every flow run. Fields outside field-level
// security (Id, Name, system fields) need no grant.
func TestPermissionSetGrantsWhatTandemUses(t *testing.T) {
	t.Parallel()
	use := fieldUse{}
	set, err := mapping.Load(mapping.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range set.Flows() {
		m, err := set.Mapping(name)
		if err != nil {
			t.Fatal(err)
		}
		if src := m.Source(); src.System == "salesforce" {
			use.addReads(src.Object, m.Reads(), "mapping "+name)
		}
		if dst := m.Target(); dst.System == "salesforce" {
			o, _ := schema.Default().Object(dst.Object)
			for _, f := range m.Writes() {
				if slices.Contains(m.Sublists(), f) {
					continue // records of a collection: their fields are not listed
				}
				if ref, ok := o.Parent(f); ok { // Account__r: {NetSuite_Id__c: ...}
					f = ref.Name
				}
				use[[2]string{dst.Object, f}] = "mapping " + name
			}
		}
	}
	for _, f := range append(append([]string{}, credithold.AccountFields...), invoices.AccountFields...) {
		use[[2]string{"Account", f}] = "flow Go code"
	}
	use.addSOQL(t, filepath.Join("..", "..", "jobs"))
	before := len(use)
	use.addMapWrites(t, filepath.Join("..", "..", "jobs"))
	if _, ok := use[[2]string{"Task", "ActivityDate"}]; !ok || len(use) == before {
		t.Fatalf("the map literal scan found no write (Task.ActivityDate): it is broken")
	}
	if len(use) < 20 {
		t.Fatalf("found only %d used fields: the scan is broken", len(use))
	}

	perms, err := shipped.FieldPermissions(shipped.IntegrationPermissionSet)
	if err != nil {
		t.Fatal(err)
	}
	org := schema.Default()
	for key, where := range use {
		o, ok := org.Object(key[0])
		if !ok {
			t.Errorf("%s: no Salesforce object %s", where, key[0])
			continue
		}
		path := strings.Split(key[1], ".")
		for i, part := range path {
			f, ok := o.Field(part)
			if i < len(path)-1 {
				f, ok = o.Parent(part)
			}
			if !ok {
				t.Errorf("%s uses %s.%s: no field %s on %s", where, key[0], key[1], part, o.Name)
				break
			}
			object := o.Name
			if f.Custom() && (object == "Task" || object == "Event") {
				object = "Activity"
			}
			if a := perms[object+"."+f.Name]; o.Permissionable(f) && !a.Readable {
				t.Errorf("%s uses %s.%s: Tandem_Integration does not grant %s.%s", where, key[0], key[1], object, f.Name)
			}
			if i < len(path)-1 {
				o, _ = org.Object(f.ReferenceTo[0])
			}
		}
	}
}

func (u fieldUse) addReads(object string, r *mapping.Reads, where string) {
	for _, f := range r.Fields {
		u[[2]string{object, f}] = where
	}
	org := schema.Default()
	o, _ := org.Object(object)
	for rel, child := range r.Children {
		if c, ok := o.Child(rel); ok {
			u.addReads(c.Object, child, where)
		}
	}
}

var (
	subquery = regexp.MustCompile(`\(SELECT ([^()]*?) FROM (\w+)\)`)
	query    = regexp.MustCompile(`SELECT (.*?) FROM (\w+)`)
	filter   = regexp.MustCompile(`FROM (\w+) WHERE (.*)`)
	operand  = regexp.MustCompile(`(?:WHERE|AND|OR|BY)\s+([A-Za-z_][\w.]*)`)
	simple   = regexp.MustCompile(`^[A-Za-z_][\w.]*$`)
)

// addSOQL scans the Go files under dir for SOQL string constants
// (concatenations with the variable parts left out) and adds the fields
// they select from Salesforce objects.
func (u fieldUse) addSOQL(t *testing.T, dir string) {
	t.Helper()
	org := schema.Default()
	for path, file := range goSources(t, dir) {
		for _, decl := range file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok {
				u.addReadLists(fn, path)
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			text, ok := literalText(e)
			if !ok || !strings.Contains(text, "SELECT ") {
				return true
			}
			add := func(fields, object string, where string) {
				o, ok := org.Object(object)
				if !ok || o.Name != object { // SuiteQL tables are lower case
					return
				}
				for _, f := range strings.Split(fields, ",") {
					if f = strings.TrimSpace(f); simple.MatchString(f) {
						u[[2]string{o.Name, f}] = where
					}
				}
			}
			outer := subquery.ReplaceAllString(text, "")
			for _, m := range filter.FindAllStringSubmatch(outer, -1) {
				for _, op := range operand.FindAllStringSubmatch(m[2], -1) {
					add(op[1], m[1], path)
				}
			}
			for _, m := range query.FindAllStringSubmatch(outer, -1) {
				add(m[1], m[2], path)
				if o, ok := org.Object(m[2]); ok {
					for _, s := range subquery.FindAllStringSubmatch(text, -1) {
						if c, ok := o.Child(s[2]); ok {
							add(s[1], c.Object, path)
						}
					}
				}
			}
			return false
		})
	}
}

// goSources parses the Go files under dir, tests left out, by path.
func goSources(t *testing.T, dir string) map[string]*ast.File {
	t.Helper()
	files := map[string]*ast.File{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		files[path] = file
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// literalText is a string concatenation's text with each non-constant
// part as "?".
func literalText(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		l, lok := literalText(e.X)
		r, rok := literalText(e.Y)
		if !lok && !rok {
			return "", false
		}
		if !lok {
			l = "?"
		}
		if !rok {
			r = "?"
		}
		return l + r, true
	case *ast.ParenExpr:
		return literalText(e.X)
	}
	return "", false
}

// addReadLists adds the literal fields of jobs.NewReadList calls in fn
// when fn queries one named object with reads.SOQL("Object", ...).
func (u fieldUse) addReadLists(fn *ast.FuncDecl, where string) {
	var fields []string
	object := ""
	ast.Inspect(fn, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		switch sel.Sel.Name {
		case "NewReadList":
			for _, arg := range call.Args {
				if f, ok := literalText(arg); ok && !strings.Contains(f, "?") {
					fields = append(fields, f)
				}
			}
		case "SOQL":
			if len(call.Args) > 0 {
				if o, ok := literalText(call.Args[0]); ok && !strings.Contains(o, "?") {
					object = o
				}
			}
		}
		return true
	})
	if object == "" {
		return
	}
	for _, f := range fields {
		u[[2]string{object, f}] = where
	}
}
