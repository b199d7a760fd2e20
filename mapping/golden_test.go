package mapping

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from what the mappings give now")

// Golden cases live in testdata/golden/<flow>/:
//
//	<case>.input.json    the source record, as the REST API returns it
//	<case>.vars.json     the vars the flow passes (optional)
//	<case>.lookups.json  what lookups find: {"system type field value": [ids]} (optional)
//	<case>.golden.json   the exact payload, or
//	<case>.golden.err    the exact error, for records that cannot be mapped
//
// Cases named custom-* run with the user override in
// testdata/overrides/custom, which adds custom fields both ways.
func TestGolden(t *testing.T) {
	shipped := mustLoad(t, Config{})
	custom := mustLoad(t, Config{Dir: filepath.Join("testdata", "overrides", "custom")})
	for _, flow := range shipped.Flows() {
		inputs, _ := filepath.Glob(filepath.Join("testdata", "golden", flow, "*.input.json"))
		if len(inputs) == 0 {
			t.Errorf("flow %s has no golden cases in testdata/golden/%s", flow, flow)
		}
		for _, input := range inputs {
			name := strings.TrimSuffix(filepath.Base(input), ".input.json")
			t.Run(flow+"/"+name, func(t *testing.T) {
				set := shipped
				if strings.HasPrefix(name, "custom-") {
					set = custom
				}
				checkGolden(t, set, flow, strings.TrimSuffix(input, ".input.json"))
			})
		}
	}
}

func checkGolden(t *testing.T, set *Set, flow, base string) {
	m, err := set.Mapping(flow)
	if err != nil {
		t.Fatal(err)
	}
	var rec, vars map[string]any
	readJSON(t, base+".input.json", &rec, true)
	readJSON(t, base+".vars.json", &vars, false)
	found := map[string][]string{}
	readJSON(t, base+".lookups.json", &found, false)
	sess := &Session{Finder: FinderFunc(func(_ context.Context, q Query) ([]string, error) {
		return found[strings.Join([]string{q.System, q.RecordType, q.Field, q.Value}, " ")], nil
	})}

	payload, err := m.Apply(context.Background(), sess, rec, vars)
	goldenJSON, goldenErr := base+".golden.json", base+".golden.err"
	if *update {
		os.Remove(goldenJSON)
		os.Remove(goldenErr)
		if err != nil {
			writeFile(t, goldenErr, []byte(err.Error()+"\n"))
		} else {
			writeFile(t, goldenJSON, encodeJSON(t, payload))
		}
		return
	}
	if want, readErr := os.ReadFile(goldenErr); readErr == nil {
		if err == nil || err.Error()+"\n" != string(want) {
			t.Fatalf("error:\n got: %v\nwant: %s", err, want)
		}
		if !IsRecordError(err) {
			t.Fatalf("error %v is not a *RecordError", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want, readErr := os.ReadFile(goldenJSON)
	if readErr != nil {
		t.Fatalf("no golden file (run go test -update): %v", readErr)
	}
	if got := encodeJSON(t, payload); !bytes.Equal(got, want) {
		t.Fatalf("payload:\n%s\nwant:\n%s", got, want)
	}
}

func mustLoad(t testing.TB, cfg Config) *Set {
	t.Helper()
	set, err := Load(cfg)
	if err != nil {
		t.Fatalf("Load(%+v): %v", cfg, err)
	}
	return set
}

func readJSON(t *testing.T, path string, v any, required bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) && !required {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func encodeJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
