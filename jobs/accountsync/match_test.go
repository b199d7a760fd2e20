package accountsync

import (
	"testing"

	"github.com/tandem-sync/tandem/jobs"
)

func TestMatchingHelpers(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"Aperture Science 012", "Aperture Science 012, Ltd."},
		{"ACME Corp.", "acme corporation"},
		{"Müller GmbH", "Müller"},
		{"Nakatomi Trading Co", "NAKATOMI TRADING"},
	} {
		if normalName(tc.a) != normalName(tc.b) {
			t.Errorf("%q and %q should compare equal: %q vs %q", tc.a, tc.b, normalName(tc.a), normalName(tc.b))
		}
	}
	if normalName("Acme Corp 001") == normalName("Acme Corp 002") {
		t.Error("numbered companies are different companies")
	}
	for in, want := range map[string]string{"Aperture Science": "Aperture", "  3M Co": "3M", "A-1 Movers": "Movers", "": ""} {
		if got := firstWord(in); got != want {
			t.Errorf("firstWord(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"https://www.acme.example/about": "acme.example", "acme.example": "acme.example", "": ""} {
		if got := domainOf(in); got != want {
			t.Errorf("domainOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPickNeverLinksOnNameAlone(t *testing.T) {
	s := pairSync{pairKind: pairKind{rules: PairRules{Match: []string{MatchNameAndCountry, MatchWebsiteDomain}}}}
	me := candidate{id: "001A", name: "Acme Ltd", country: "GB", domain: "acme.example"}
	tests := []struct {
		name      string
		cands     []candidate
		want      string
		ambiguous int
	}{
		{"nothing like it: create", []candidate{{id: "9", name: "Globex", country: "GB"}}, jobs.ReviewCreate, 0},
		{"one by name and country", []candidate{{id: "7", name: "ACME Limited", country: "GB"}, {id: "8", name: "Acme", country: "US"}}, "7", 0},
		{"linked twins are not candidates", []candidate{{id: "7", name: "Acme", country: "GB", linked: true}}, jobs.ReviewCreate, 0},
		{"two by name and country: review", []candidate{{id: "7", name: "Acme", country: "GB"}, {id: "8", name: "ACME Ltd.", country: "GB"}}, "", 2},
		{"by web domain when the name differs", []candidate{{id: "5", name: "Acme Holdings", country: "GB", domain: "acme.example"}}, "5", 0},
		{"namesake without a country: review, never create beside it", []candidate{{id: "6", name: "Acme"}}, "", 1},
		{"namesake in another country: a different company", []candidate{{id: "6", name: "Acme", country: "US"}}, jobs.ReviewCreate, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, amb, _ := s.pick(me, tt.cands)
			if got != tt.want || len(amb) != tt.ambiguous {
				t.Errorf("pick = %q with %d ambiguous, want %q with %d", got, len(amb), tt.want, tt.ambiguous)
			}
		})
	}
}
