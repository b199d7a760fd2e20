package mapping

// The mapping files as written, before merging and compiling. Every piece
// remembers its file and line so that errors can point at it.

// fileSpec is one mapping file: a flow, or a tables file.
type fileSpec struct {
	file string // as shown in errors
	flow string // from the file name; "" for a tables file
	flowBody
	tables []*tableSpec
}

// flowBody is what a file says about its flow.
type flowBody struct {
	source      located
	target      located
	description string
	vars        []located
	lets        []*letSpec
	fields      []*fieldSpec
}

// located is a value with the file and line it is on.
type located struct {
	value string
	file  string
	line  int
}

// source is the text of an expression and where it starts.
type source struct {
	text string
	file string
	line int
}

func (s source) empty() bool { return s.text == "" }

// letSpec names a value computed once per record (or line) for the
// fields to share.
type letSpec struct {
	name string
	line int
	expr source
}

// fieldSpec is one target field: an expression, a constant or a sublist.
type fieldSpec struct {
	target     string // "memo", "currency.id", "item.items"
	file       string
	line       int
	drop       bool // written as "field: ~" in an override: remove the shipped field
	expr       source
	value      any
	hasValue   bool
	when       source
	def        any
	hasDefault bool
	required   bool
	message    string
	onMissing  string // lookup policy: "fail" (default), "skip" or "default"
	onEmpty    string // "omit" (default) or "null"
	list       *listSpec
}

// listSpec is a sublist: one target line per source line.
type listSpec struct {
	hasFrom bool
	from    source
	where   source
	sort    []source
	label   source
	lets    []*letSpec
	fields  []*fieldSpec
	// set marks the options an override gives, so that merging keeps the rest.
	set map[string]bool
}

// tableSpec is a value table: key → value, or key → nil to delete a
// shipped key in an override.
type tableSpec struct {
	name    string
	file    string
	line    int
	entries []tableEntry
}

type tableEntry struct {
	key    string
	value  any // nil deletes the key
	line   int
	delete bool
}

// Policies a field can name.
const (
	onMissingFail    = "fail"
	onMissingSkip    = "skip"
	onMissingDefault = "default"
	onEmptyOmit      = "omit"
	onEmptyNull      = "null"
)
