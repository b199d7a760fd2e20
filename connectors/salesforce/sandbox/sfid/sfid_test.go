package sfid

import "testing"

func TestSuffixMatchesRealIDs(t *testing.T) {
	// Real ids from captured Outbound Messages (shared fixtures).
	for _, id := range []string{"0065w000023STAmAAO", "0015w00002BFDeLAAX", "04l5w00005286hAAAQ", "0067F000003pmdWQAQ"} {
		if got := Suffix(id[:15]); got != id[15:] {
			t.Errorf("Suffix(%s) = %s, want %s", id[:15], got, id[15:])
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0065w000023STAm", "0065w000023STAmAAO", true},
		{"0065w000023STAmAAO", "0065w000023STAmAAO", true},
		{"0065w000023STAMAAO", "", false}, // case changed, suffix no longer matches
		{"0065w000023STAm!", "", false},
		{"006", "", false},
	}
	for _, tt := range tests {
		got, ok := Normalize(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNewIsDeterministicAndWellFormed(t *testing.T) {
	a, b := New("001", 42), New("001", 42)
	if a != b || len(a) != Len18 || Prefix(a) != "001" {
		t.Fatalf("New = %q, %q", a, b)
	}
	if _, ok := Normalize(a); !ok {
		t.Fatalf("New made a malformed id %q", a)
	}
	if New("001", 1) == New("001", 2) {
		t.Fatal("different counters gave the same id")
	}
	if !Equal(a, a[:15]) {
		t.Fatal("15- and 18-char forms differ")
	}
}
