package connectors

import "testing"

func TestSnippetCutsOnACharacterBoundary(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"  short  ", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"<html>Service Unavailable</html>", 6, "<html>…"},
		{"Zürich", 2, "Z…"}, // byte 2 is inside "ü": cut before it
	} {
		if got := Snippet(c.in, c.n); got != c.want {
			t.Errorf("Snippet(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
