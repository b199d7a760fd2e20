package mapping

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The README documents every function a mapping can call.
func TestREADMEDocumentsEveryFunction(t *testing.T) {
	doc := readme(t)
	names := []string{}
	for _, h := range helpers {
		if h.name != getName {
			names = append(names, h.name)
		}
	}
	for name := range tableAliases {
		names = append(names, name)
	}
	for _, name := range names {
		if !strings.Contains(doc, "`"+name+"(") {
			t.Errorf("README.md does not document %s()", name)
		}
	}
}

// The worked example in the README works as written.
func TestREADMEWorkedExample(t *testing.T) {
	doc := readme(t)
	start := strings.Index(doc, "## Worked example")
	end := strings.Index(doc[start+1:], "\n## ")
	section := doc[start : start+1+end]
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(blocks) != 2 {
		t.Fatalf("found %d YAML blocks in the worked example, want 2 (tables.yaml, opportunity_to_salesorder.yaml)", len(blocks))
	}
	dedent := func(s string) string { return regexp.MustCompile(`(?m)^   `).ReplaceAllString(s, "") }
	dir := writeDir(t, map[string]string{
		"tables.yaml":                    dedent(blocks[0][1]),
		"opportunity_to_salesorder.yaml": dedent(blocks[1][1]),
	})
	input, err := os.ReadFile(filepath.Join("testdata", "golden", "opportunity_to_salesorder", "custom-region-subsidiary.input.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Try(context.Background(), Config{Dir: dir}, TryInput{Flow: "opportunity_to_salesorder", Record: input})
	if err != nil || res.Err != nil {
		t.Fatal(err, res.Err)
	}
	if got := mustJSON(t, []any{res.Payload["custbody_sales_region"], res.Payload["subsidiary"]}); got != `["EMEA North",{"id":"2"}]` {
		t.Fatalf("region and subsidiary = %s", got)
	}
}
