// Package soql parses and runs the subset of SOQL the Salesforce sandbox
// serves: field lists with parent paths and child subqueries, COUNT(),
// WHERE with AND/OR/NOT, comparisons, IN, LIKE, date literals, ORDER BY,
// LIMIT and OFFSET. Errors carry Salesforce's codes and message shapes.
package soql

// Query is a parsed SELECT statement (also used for child subqueries,
// whose From is a relationship name).
type Query struct {
	Select  []SelectItem
	From    Name
	Where   Expr // nil without WHERE
	OrderBy []OrderItem
	Limit   *int
	Offset  *int
}

// Name is an identifier with its byte offset in the query.
type Name struct {
	Text string
	Pos  int
}

// Path is a dotted field path: Name, Account.Name, Account.Owner.Email.
type Path []Name

// SelectItem is one entry of the field list: a field path, COUNT() or a
// child subquery.
type SelectItem struct {
	Path  Path
	Count bool
	Sub   *Query
	Pos   int
}

// Expr is a WHERE condition: *Logical, *Not or *Comparison.
type Expr interface{ pos() int }

// Logical is a chain of conditions joined by one operator ("AND" or "OR");
// SOQL needs parentheses to mix them.
type Logical struct {
	Op    string
	Terms []Expr
}

// Not negates a condition.
type Not struct {
	X   Expr
	Pos int
}

// Comparison is field <op> value, field [NOT] IN (values) or field LIKE value.
type Comparison struct {
	Field  Path
	Op     string // = != < <= > >= IN NOT IN LIKE
	Value  Literal
	Values []Literal // IN and NOT IN
}

func (l *Logical) pos() int    { return l.Terms[0].pos() }
func (n *Not) pos() int        { return n.Pos }
func (c *Comparison) pos() int { return c.Field[0].Pos }

// LiteralKind says what a literal is.
type LiteralKind int

// Literal kinds.
const (
	LitNull LiteralKind = iota
	LitString
	LitNumber
	LitBool
	LitDate
	LitDateTime
	LitRelativeDate // TODAY, LAST_N_DAYS:n, …
)

// Literal is a value in a condition.
type Literal struct {
	Kind LiteralKind
	Text string // as written
	Str  string // decoded string; relative date name
	Like string // string as LIKE pattern
	Num  float64
	Bool bool
	N    int // the n of LAST_N_DAYS:n
	Pos  int
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Field Path
	Desc  bool
	// NullsLast is Salesforce's default unless given: nulls first
	// ascending, last descending.
	NullsLast bool
}
