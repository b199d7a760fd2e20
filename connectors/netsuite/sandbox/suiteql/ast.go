package suiteql

// Query is a parsed SuiteQL statement:
// SELECT [DISTINCT] cols|* FROM table [alias] [[INNER|LEFT [OUTER]] JOIN table [alias] ON cond]…
// [WHERE …] [GROUP BY …] [ORDER BY …].
type Query struct {
	Distinct bool
	Star     bool
	Select   []SelectItem
	Table    string // lower case
	Alias    string // lower case; the table name when none was given
	Joins    []Join
	Where    Expr
	GroupBy  []Expr
	OrderBy  []OrderItem
	Params   int // number of ? placeholders
}

// Join is one ANSI join after the first table.
type Join struct {
	Left  bool   // LEFT [OUTER] JOIN; INNER otherwise
	Table string // lower case
	Alias string // lower case; the table name when none was given
	On    Expr
}

// SelectItem is one output column.
type SelectItem struct {
	Expr Expr
	Name string // output key: the alias, the column name, or exprN
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// Expr is an expression node.
type Expr interface{ node() }

type (
	literal struct{ v Value }
	param   struct{ index int }
	column  struct {
		qualifier string // lower case, "" when unqualified
		name      string // lower case
	}
	unary struct {
		op string
		x  Expr
	}
	binary struct {
		op   string // = <> < <= > >= + - * / || AND OR
		l, r Expr
	}
	not    struct{ x Expr }
	isNull struct {
		x      Expr
		negate bool
	}
	like struct {
		x, pattern Expr
		negate     bool
	}
	in struct {
		x      Expr
		list   []Expr
		negate bool
		set    *inSet // the list as a set, when every item is a text or a number (see prepareIn)
	}
	between struct {
		x, lo, hi Expr
		negate    bool
	}
	call struct {
		name string // upper case, e.g. UPPER, BUILTIN.DF
		args []Expr
	}
	aggregate struct {
		fn   string // COUNT SUM MIN MAX AVG
		arg  Expr   // nil for COUNT(*)
		dist bool
	}
	// caseExpr is CASE [operand] WHEN … THEN … [ELSE …] END; operand is
	// nil in the searched form, where each when is a condition.
	caseExpr struct {
		operand Expr
		whens   []when
		els     Expr
	}
	// starOf is alias.* in a select list, expanded before the query runs.
	starOf struct{ qualifier string }
)

type when struct{ cond, result Expr }

func (literal) node()   {}
func (param) node()     {}
func (column) node()    {}
func (unary) node()     {}
func (binary) node()    {}
func (not) node()       {}
func (isNull) node()    {}
func (like) node()      {}
func (in) node()        {}
func (between) node()   {}
func (call) node()      {}
func (aggregate) node() {}
func (caseExpr) node()  {}
func (starOf) node()    {}
