package suiteql

// Query is a parsed SuiteQL statement:
// SELECT [DISTINCT] cols|* FROM table [alias] [WHERE …] [GROUP BY …] [ORDER BY …].
type Query struct {
	Distinct bool
	Star     bool
	Select   []SelectItem
	Table    string // lower case
	Alias    string // lower case; the table name when none was given
	Where    Expr
	GroupBy  []Expr
	OrderBy  []OrderItem
	Params   int // number of ? placeholders
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
)

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
