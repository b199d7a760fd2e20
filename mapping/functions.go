package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// helper is a function mappings can call.
type helper struct {
	name  string
	fn    func(args ...any) (any, error)
	types []any // signatures: expr checks argument counts and literal types at load
	// eval marks helpers that read the other system or exchange rates: they
	// get the running evaluation as a hidden first argument.
	eval bool
}

// sig abbreviates a signature of n arguments of any type.
func sig(n int) any {
	switch n {
	case 1:
		return new(func(any) any)
	case 2:
		return new(func(any, any) any)
	case 3:
		return new(func(any, any, any) any)
	}
	panic("sig: unsupported arity")
}

var variadic = new(func(...any) any)

// helpers are the functions of the mapping language, besides expr's own
// (upper, lower, trim, split, join, replace, len, filter, map, sum …).
var helpers = []helper{
	// every record field read: made by the patcher, not written in mappings
	{name: getName, fn: getField, types: []any{new(func(any, string) any)}},
	// text
	{name: "text", fn: text, types: []any{variadic}},
	{name: "quote", fn: quote, types: []any{sig(1)}},
	{name: "coalesce", fn: coalesce, types: []any{variadic}},
	{name: "joinNonEmpty", fn: joinNonEmpty, types: []any{new(func(string, ...any) any)}},
	{name: "truncate", fn: truncate, types: []any{sig(2)}},
	{name: "titleCase", fn: titleCase, types: []any{sig(1)}},
	{name: "line", fn: line, types: []any{sig(2)}},
	{name: "digits", fn: digits, types: []any{sig(1)}},
	{name: "idOf", fn: idOf, types: []any{sig(1)}},
	{name: "present", fn: present, types: []any{new(func(any) bool)}},
	{name: "blank", fn: blank, types: []any{new(func(any) bool)}},
	// numbers
	{name: "round", fn: round, types: []any{sig(1), sig(2)}},
	{name: "num", fn: num, types: []any{new(func(any) float64)}},
	// dates
	{name: "formatDate", fn: formatDate, types: []any{sig(2), sig(3)}},
	{name: "toDate", fn: toDate, types: []any{sig(1), sig(2)}},
	{name: "toDateTime", fn: toDateTime, types: []any{sig(1)}},
	{name: "addDays", fn: addDays, types: []any{sig(2)}},
	{name: "daysBetween", fn: daysBetween, types: []any{sig(2)}},
	{name: "parseDate", fn: parseDate, types: []any{sig(2)}},
	// phones
	{name: "phoneE164", fn: phoneE164, types: []any{sig(2)}},
	{name: "phoneNANP", fn: phoneNANP, types: []any{sig(1)}},
	// tables: table("name", key); the name is replaced by the table at load
	{name: "table", fn: tableValue, types: []any{new(func(*table, any) any)}},
	// the other system
	{name: "lookup", fn: lookupRecord, eval: true, types: []any{new(func(*evaluation, string, string, string, any) any)}},
	{name: "convert", fn: convert, eval: true, types: []any{
		new(func(*evaluation, any, any, any) any), new(func(*evaluation, any, any, any, any) any)}},
}

// tableAliases are helpers that read a fixed table: countryCode(x) is
// table("country_codes", x).
var tableAliases = map[string]string{
	"countryCode": "country_codes",
	"countryName": "country_names",
	"stateCode":   "state_codes",
}

var helperByName = func() map[string]*helper {
	m := make(map[string]*helper, len(helpers))
	for i := range helpers {
		m[helpers[i].name] = &helpers[i]
	}
	return m
}()

// tableValue is table(t, key): the value for key, or null.
func tableValue(args ...any) (any, error) {
	v, _ := args[0].(*table).get(args[1])
	return v, nil
}

// lookupRecord is lookup(system, recordType, field, value): the id of the
// one record of the other system whose field equals value. Null when
// value is empty or nothing matches (the field's lookup policy then
// decides); an error when several match.
func lookupRecord(args ...any) (any, error) {
	ev := args[0].(*evaluation)
	value, ok := keyText(args[4])
	if !ok {
		return nil, nil
	}
	q := Query{System: args[1].(string), RecordType: args[2].(string), Field: args[3].(string), Value: value}
	ids, err := ev.sess.find(ev.ctx, q)
	switch {
	case err != nil:
		ev.fatal = err
		return nil, err
	case len(ids) == 0:
		ev.missed = append(ev.missed, q)
		return nil, nil
	case len(ids) > 1:
		return nil, &ambiguousError{q: q, n: len(ids)}
	}
	return ids[0], nil
}

// ambiguousError: a lookup matched several records; Tandem never guesses.
type ambiguousError struct {
	q Query
	n int
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("lookup found %d records: %s; cannot choose one", e.n, e.q)
}

// convert(amount, from, to) converts an amount between currencies (ISO
// codes); convert(amount, from, to, date) at the rate of that date.
func convert(args ...any) (any, error) {
	ev := args[0].(*evaluation)
	if isEmpty(args[1]) {
		return nil, nil
	}
	amount, err := number("convert", args[1])
	if err != nil {
		return nil, err
	}
	from, to := strings.ToUpper(strings.TrimSpace(textOf(args[2]))), strings.ToUpper(strings.TrimSpace(textOf(args[3])))
	if from == "" || to == "" {
		return nil, fmt.Errorf("convert: currency missing (from %q to %q)", from, to)
	}
	if from == to {
		return amount, nil
	}
	date := ""
	if len(args) > 4 {
		d, err := toDate(args[4])
		if err != nil {
			return nil, err
		}
		date = textOf(d)
	}
	rate, err := ev.sess.rate(ev.ctx, ev.m.rates, from, to, date)
	if err != nil {
		if !errors.Is(err, ErrNoRate) {
			ev.fatal = fmt.Errorf("reading the %s→%s exchange rate: %w", from, to, err)
		}
		return nil, err
	}
	return amount * rate, nil
}
