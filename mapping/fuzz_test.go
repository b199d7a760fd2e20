package mapping

import (
	"context"
	"errors"
	"testing"
)

// maxFuzzInput bounds the fuzzed files: the loader's cost grows with the
// number of fields, and huge inputs only slow the search.
const maxFuzzInput = 8 << 10

// FuzzLoad feeds arbitrary bytes to the loader as a user's override of
// the F1 mapping and as a user's tables file. Loading must never panic;
// it either fails with located problems or gives a mapping that can be
// applied (with or without a record error) without panicking.
func FuzzLoad(f *testing.F) {
	shippedFiles, err := readFiles(shipped, "defaults", "defaults")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range shippedFiles {
		if file.flow() != "" { // the flows; the big generated tables file would slow every mutation
			f.Add(file.data, []byte{})
		}
	}
	f.Add([]byte("fields:\n  custbody_region: Sales_Region__c\n  subsidiary.id: table(\"subsidiary_by_country\", countryCode(Account.BillingCountry))\n"),
		[]byte("tables:\n  subsidiary_by_country:\n    GB: \"2\"\n"))
	f.Add([]byte("fields:\n  item.items:\n    fields:\n      custcol_x: Id\n      description: ~\n"), []byte{})
	f.Add([]byte("let:\n  x: Name\nfields:\n  memo:\n    expr: x\n    when: present(x)\n    default: none\n"), []byte("tables: {}\n"))
	f.Add([]byte("fields: {memo: [1, 2]}\n"), []byte("tables:\n  t: [1]\n"))

	// The shipped tables and F1 only, parsed once (building leaves specs as
	// they are): every exec then compiles one flow, not all of them.
	var f1Files []namedFile
	for _, file := range shippedFiles {
		if file.flow() == "" || file.flow() == "opportunity_to_salesorder" {
			f1Files = append(f1Files, file)
		}
	}
	defaults := parseLayer(f1Files, &problems{})
	rec := benchOpportunity(f, 3)
	f.Fuzz(func(t *testing.T, flowFile, tablesFile []byte) {
		if len(flowFile)+len(tablesFile) > maxFuzzInput {
			t.Skip("larger than a mapping file a person writes")
		}
		p := &problems{}
		overrides := parseLayer([]namedFile{
			{name: "user/tables.yaml", data: tablesFile},
			{name: "user/opportunity_to_salesorder.yaml", data: flowFile},
		}, p)
		set, err := build(defaults, overrides, p)
		if err != nil {
			var les LoadErrors
			if !errors.As(err, &les) || len(les) == 0 {
				t.Fatalf("load error %T is not LoadErrors: %v", err, err)
			}
			for _, le := range les {
				if le.Line < 1 || le.Field == "" || le.Message == "" {
					t.Fatalf("problem without a place: %+v", le)
				}
			}
			return
		}
		m, err := set.Mapping("opportunity_to_salesorder")
		if err != nil {
			t.Fatal(err)
		}
		vars := map[string]any{}
		for _, v := range m.Vars() {
			vars[v] = "1"
		}
		_, _ = m.Apply(context.Background(), &Session{Finder: previewFinder{}}, rec, vars)
	})
}
