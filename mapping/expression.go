package mapping

import (
	"strings"

	"github.com/expr-lang/expr/vm"
)

// expression is one compiled expression. Most mapping expressions are a
// plain field path (CloseDate, Product2.NetSuite_Item_Id__c, vars.customerId):
// those are read straight from the record, without starting the VM.
type expression struct {
	prog *vm.Program // nil for a path
	root string      // where a path starts in the environment: the record, vars, record or a let name
	keys []string    // the rest of the path
}

// pathExpression reads a plain path; names are the let names in scope.
func pathExpression(path string, names map[string]bool) *expression {
	keys := strings.Split(path, ".")
	if reserved[keys[0]] || names[keys[0]] {
		return &expression{root: keys[0], keys: keys[1:]}
	}
	return &expression{root: recName, keys: keys}
}

func (e *expression) eval(ev *evaluation, env map[string]any) (any, error) {
	if e.prog != nil {
		return ev.vm.Run(e.prog, env)
	}
	v := env[e.root]
	for _, k := range e.keys {
		v = fieldOf(v, k)
	}
	return v, nil
}
