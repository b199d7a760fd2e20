package mapping

import "slices"

// CurrencyField is Salesforce's currency of a record, present only in
// orgs with multi-currency on.
const CurrencyField = "CurrencyIsoCode"

// SingleCurrency returns the set for an org without multi-currency: no
// mapping reads or writes Salesforce's CurrencyIsoCode, which such an org
// refuses with INVALID_FIELD. A field computed from it gets no value, as
// when the record has none (NetSuite then uses the customer's or the
// subsidiary's currency). The set it is called on is unchanged.
func (s *Set) SingleCurrency() *Set {
	out := &Set{flows: make(map[string]*Mapping, len(s.flows)), tables: s.tables, dir: s.dir, noCurrency: true}
	for name, m := range s.flows {
		c := *m
		if m.target.System == "salesforce" {
			c.body.fields = slices.DeleteFunc(slices.Clone(m.body.fields), func(f *field) bool {
				return len(f.path) > 0 && f.path[0] == CurrencyField
			})
		}
		if m.source.System == "salesforce" {
			c.reads = withoutRead(m.reads, CurrencyField)
		}
		out.flows[name] = &c
	}
	return out
}

func withoutRead(r *Reads, name string) *Reads {
	if r == nil {
		return nil
	}
	out := &Reads{Fields: slices.DeleteFunc(slices.Clone(r.Fields), func(f string) bool { return f == name }),
		Children: make(map[string]*Reads, len(r.Children))}
	for k, c := range r.Children {
		out.Children[k] = withoutRead(c, name)
	}
	return out
}

// SalesforceLacks says whether the org has no such field (CurrencyIsoCode
// in a single-currency org): rules outside the mappings that name it,
// like F2's sync rules, leave it out.
func (s *Set) SalesforceLacks(field string) bool { return s.noCurrency && field == CurrencyField }
