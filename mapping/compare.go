package mapping

import "strings"

// sortKey is a sublist line's sort value, read once: numbers by value,
// text by character, false before true, and empty values last, so that a
// line without a sort order goes to the end. Values of different kinds
// order numbers, text, booleans, then anything else.
type sortKey struct {
	rank int8
	num  float64
	str  string
}

const (
	rankNumber int8 = iota
	rankText
	rankBool
	rankOther
	rankEmpty
)

func makeSortKey(v any) sortKey {
	if isEmpty(v) {
		return sortKey{rank: rankEmpty}
	}
	switch x := v.(type) {
	case string:
		return sortKey{rank: rankText, str: x}
	case bool:
		if x {
			return sortKey{rank: rankBool, num: 1}
		}
		return sortKey{rank: rankBool}
	}
	if f, err := number("sort", v); err == nil {
		return sortKey{rank: rankNumber, num: f}
	}
	return sortKey{rank: rankOther}
}

func (a sortKey) compare(b sortKey) int {
	switch {
	case a.rank != b.rank:
		return int(a.rank) - int(b.rank)
	case a.num < b.num:
		return -1
	case a.num > b.num:
		return 1
	}
	return strings.Compare(a.str, b.str)
}

// compareKeys orders sublist lines by their sort keys, key by key.
func compareKeys(a, b []sortKey) int {
	for i := range a {
		if c := a[i].compare(b[i]); c != 0 {
			return c
		}
	}
	return 0
}
