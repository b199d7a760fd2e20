// Command geogen writes mapping/defaults/geo.tables.yaml: the country and
// state tables behind countryCode(), countryName() and stateCode().
//
// Its source is Debian's iso-codes package (ISO 3166-1 for countries,
// ISO 3166-2 for US states and Canadian provinces), plus the everyday
// names listed below that ISO does not use. The output is sorted, so the
// same input always gives the same file:
//
//	apt-get install iso-codes
//	go generate ./mapping      (runs go run ./internal/geogen)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// countryAliases are names people write that ISO 3166-1 does not give
// (ISO's short, common and official names are all included already).
var countryAliases = map[string]string{
	"USA": "US", "U.S.A.": "US", "U.S.": "US", "United States of America": "US",
	"UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB",
	"England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
	"Holland": "NL", "The Netherlands": "NL", "Russia": "RU", "Turkey": "TR",
	"Czech Republic": "CZ", "Ivory Coast": "CI", "Cape Verde": "CV", "Swaziland": "SZ",
	"Macedonia": "MK", "Burma": "MM", "Vatican": "VA", "Vatican City": "VA",
	"Brunei": "BN", "Palestine": "PS", "Micronesia": "FM", "Macau": "MO",
	"UAE": "AE", "DR Congo": "CD", "DRC": "CD", "Congo-Kinshasa": "CD",
	"Congo-Brazzaville": "CG", "East Timor": "TL", "Falkland Islands": "FK",
	"South Korea": "KR", "North Korea": "KP", "Korea": "KR", "Kosovo": "XK",
}

// stateAliases are state and province names written otherwise than ISO.
var stateAliases = map[string]string{
	"Québec": "QC", "Newfoundland": "NL", "Yukon Territory": "YT",
	"Washington DC": "DC", "Washington, D.C.": "DC", "D.C.": "DC",
	"US Virgin Islands": "VI", "U.S. Virgin Islands": "VI",
}

// stateCountries are the countries whose subdivisions stateCode() knows.
var stateCountries = []string{"US", "CA"}

type country struct {
	Alpha2       string `json:"alpha_2"`
	Alpha3       string `json:"alpha_3"`
	Name         string `json:"name"`
	CommonName   string `json:"common_name"`
	OfficialName string `json:"official_name"`
}

type subdivision struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func main() {
	dir := flag.String("iso-codes", "/usr/share/iso-codes/json", "directory of iso-codes' JSON files")
	out := flag.String("o", "defaults/geo.tables.yaml", "file to write")
	src := flag.String("source", debianVersion(), "what the data came from, for the file's header")
	flag.Parse()

	var countries struct {
		List []country `json:"3166-1"`
	}
	var subdivisions struct {
		List []subdivision `json:"3166-2"`
	}
	must(readJSON(filepath.Join(*dir, "iso_3166-1.json"), &countries))
	must(readJSON(filepath.Join(*dir, "iso_3166-2.json"), &subdivisions))

	codes, names := countryTables(countries.List)
	doc := tablesDoc(*src, []table{
		{"country_codes", "Country name, ISO alpha-3 or alpha-2 code -> ISO 3166-1 alpha-2 code.", codes},
		{"country_names", "ISO 3166-1 alpha-2 code -> country name (the common name where ISO gives one).", names},
		{"state_codes", "US state, district or territory, or Canadian province or territory (name or code) -> its ISO 3166-2 code without the country, as NetSuite and Salesforce store it.", stateTable(subdivisions.List)},
	})
	f, err := os.Create(*out)
	must(err)
	enc := yaml.NewEncoder(f)
	enc.SetIndent(2)
	must(enc.Encode(doc))
	must(enc.Close())
	must(f.Close())
}

type table struct {
	name, comment string
	entries       map[string]string
}

func countryTables(list []country) (codes, names map[string]string) {
	codes, names = map[string]string{}, map[string]string{}
	for _, c := range list {
		for _, name := range []string{c.Alpha2, c.Alpha3, c.Name, c.CommonName, c.OfficialName} {
			add(codes, name, c.Alpha2)
			add(codes, ascii(name), c.Alpha2)
		}
		names[c.Alpha2] = c.Name
		if c.CommonName != "" {
			names[c.Alpha2] = c.CommonName
		}
	}
	for name, code := range countryAliases {
		add(codes, name, code)
	}
	add(codes, "XK", "XK")
	names["XK"] = "Kosovo" // user-assigned code in common use (ISO 3166-1 leaves XK to users)
	return codes, names
}

func stateTable(list []subdivision) map[string]string {
	states := map[string]string{}
	for _, s := range list {
		country, code, _ := strings.Cut(s.Code, "-")
		if !contains(stateCountries, country) {
			continue
		}
		add(states, code, code)
		add(states, s.Name, code)
	}
	for name, code := range stateAliases {
		add(states, name, code)
	}
	return states
}

// add puts a key in a table; the same key (ignoring case) naming two
// values is a mistake in the sources or the aliases.
func add(t map[string]string, key, value string) {
	if key == "" {
		return
	}
	for k, v := range t {
		if strings.EqualFold(k, key) && v != value {
			log.Fatalf("%q names both %s and %s", key, v, value)
		}
	}
	t[key] = value
}

var asciiFold = strings.NewReplacer("Å", "A", "ç", "c", "é", "e", "ô", "o", "ü", "u")

// ascii writes the few accented letters in ISO's English names plainly,
// as people often type them: "Cote d'Ivoire", "Turkiye".
func ascii(s string) string { return asciiFold.Replace(s) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tablesDoc builds the YAML document with sorted keys and comments.
func tablesDoc(source string, tables []table) *yaml.Node {
	root := &yaml.Node{Kind: yaml.MappingNode}
	tablesNode := &yaml.Node{Kind: yaml.MappingNode}
	for _, t := range tables {
		entries := &yaml.Node{Kind: yaml.MappingNode}
		keys := make([]string, 0, len(t.entries))
		for k := range t.entries {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			entries.Content = append(entries.Content, str(k), str(t.entries[k]))
		}
		key := str(t.name)
		key.HeadComment = t.comment
		tablesNode.Content = append(tablesNode.Content, key, entries)
	}
	top := str("tables")
	top.HeadComment = fmt.Sprintf("Code generated by go run ./internal/geogen; DO NOT EDIT.\nFrom %s (ISO 3166-1, ISO 3166-2) and the aliases in internal/geogen/main.go.\nChange a table in TANDEM_MAPPINGS_DIR/tables.yaml instead: keys merge, yours win.", source)
	root.Content = append(root.Content, top, tablesNode)
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// debianVersion names the installed iso-codes package, e.g.
// "Debian iso-codes 4.15.0-1".
func debianVersion() string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "iso-codes").Output()
	if err != nil || len(out) == 0 {
		return "Debian iso-codes"
	}
	return "Debian iso-codes " + strings.TrimSpace(string(out))
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
