package schema

import (
	"slices"
	"testing"
)

func TestLookupsAreCaseInsensitive(t *testing.T) {
	s := Default()
	opp, ok := s.Object("opportunity")
	if !ok || opp.Name != "Opportunity" {
		t.Fatal("object lookup")
	}
	if f, ok := opp.Field("stagename"); !ok || f.Name != "StageName" || !f.Restricted {
		t.Fatalf("field lookup %+v", f)
	}
	if f, ok := opp.Parent("ACCOUNT"); !ok || f.Name != "AccountId" {
		t.Fatalf("parent relationship %+v", f)
	}
	if c, ok := opp.Child("opportunitylineitems"); !ok || c.Object != "OpportunityLineItem" || c.Field != "OpportunityId" || !c.CascadeDelete {
		t.Fatalf("child relationship %+v", c)
	}
	if o, ok := s.ByPrefix("00k"); !ok || o.Name != "OpportunityLineItem" {
		t.Fatal("key prefix lookup")
	}
}

func TestCatalogIsConsistent(t *testing.T) {
	s := Default()
	for _, name := range s.Names() {
		o, _ := s.Object(name)
		for _, f := range o.Fields {
			for _, target := range f.ReferenceTo {
				if _, ok := s.Object(target); !ok {
					t.Errorf("%s.%s references unknown %s", o.Name, f.Name, target)
				}
			}
			if f.Type == Picklist && f.Default != nil && f.Restricted {
				if d, _ := f.Default.(string); !slices.Contains(f.Picklist, d) {
					t.Errorf("%s.%s default %q is not a value", o.Name, f.Name, d)
				}
			}
		}
		for _, c := range o.Children {
			child, ok := s.Object(c.Object)
			if !ok {
				t.Fatalf("%s.%s: unknown child %s", o.Name, c.Name, c.Object)
			}
			if f, ok := child.Field(c.Field); !ok || !slices.Contains(f.ReferenceTo, o.Name) {
				t.Errorf("%s.%s: %s.%s does not point back", o.Name, c.Name, c.Object, c.Field)
			}
		}
	}
	for _, st := range Stages {
		if st.IsWon && !st.IsClosed {
			t.Errorf("stage %s is won but open", st.Name)
		}
	}
}
