package mapping

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// EnvDir is the environment variable naming the directory of user
// mapping files.
const EnvDir = "TANDEM_MAPPINGS_DIR"

// Config says where mappings come from.
type Config struct {
	// Dir holds the user's mapping files, which change or add to the
	// shipped ones (see README.md for the merge rule). "" loads the
	// shipped mappings only.
	Dir string
}

//go:embed defaults/*.yaml
var shipped embed.FS

// Set is every mapping, loaded and compiled: the shipped ones with the
// user's changes. It is read-only and safe for concurrent use.
type Set struct {
	flows  map[string]*Mapping
	tables tableSet
	dir    string
	// noCurrency: fitted to a single-currency org (SingleCurrency)
	noCurrency bool
}

// Load reads, merges and compiles every mapping. It fails with
// LoadErrors listing every problem as "file:line: field: message".
// Nothing is parsed after this: applying a mapping runs compiled code.
func Load(cfg Config) (*Set, error) {
	defaults, err := readFiles(shipped, "defaults", "defaults")
	if err != nil {
		return nil, fmt.Errorf("reading shipped mappings: %w", err)
	}
	var overrides []namedFile
	if cfg.Dir != "" {
		if overrides, err = readFiles(os.DirFS(cfg.Dir), ".", cfg.Dir); err != nil {
			return nil, fmt.Errorf("reading mappings from %s (%s): %w", cfg.Dir, EnvDir, err)
		}
	}
	set, err := load(defaults, overrides)
	if set != nil {
		set.dir = cfg.Dir
	}
	return set, err
}

// namedFile is a mapping file's name (as shown in errors) and content.
type namedFile struct {
	name string
	data []byte
}

// flow is the flow a file defines: its name without .yaml; "" for a
// tables file (tables.yaml, or NAME.tables.yaml).
func (f namedFile) flow() string {
	base := path.Base(filepath.ToSlash(f.name))
	if base == tablesFile || strings.HasSuffix(base, "."+tablesFile) {
		return ""
	}
	return strings.TrimSuffix(base, ".yaml")
}

// readFiles reads the .yaml files of a directory: tables.yaml first, then
// the flows by name.
func readFiles(fsys fs.FS, dir, shown string) ([]namedFile, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var files []namedFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		files = append(files, namedFile{name: filepath.Join(shown, name), data: data})
	}
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i].flow() == "", files[j].flow() == ""
		if a != b {
			return a
		}
		return files[i].name < files[j].name
	})
	return files, nil
}

// load parses, merges and compiles two layers of files: shipped, then
// the user's.
func load(defaults, overrides []namedFile) (*Set, error) {
	p := &problems{}
	return build(parseLayer(defaults, p), parseLayer(overrides, p), p)
}

// build merges and compiles parsed layers; it leaves the specs as they are.
func build(defaults, overrides []*fileSpec, p *problems) (*Set, error) {
	tables := tableSet{}
	flows := map[string]*flowSpec{}
	for layer, specs := range [][]*fileSpec{defaults, overrides} {
		for _, spec := range specs {
			tables.merge(spec.tables)
			if spec.flow == "" {
				continue
			}
			checkTargets(spec.fields, "", p)
			if existing, ok := flows[spec.flow]; ok && layer > 0 {
				existing.override(spec, p)
			} else {
				flows[spec.flow] = newFlowSpec(spec, p)
			}
		}
	}
	tables.seal()
	c := newCompiler(tables, p)
	set := &Set{flows: map[string]*Mapping{}, tables: tables}
	for name, fs := range flows {
		set.flows[name] = c.flow(fs)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return set, nil
}

func parseLayer(files []namedFile, p *problems) []*fileSpec {
	var specs []*fileSpec
	for _, f := range files {
		flow := f.flow()
		switch {
		case strings.HasSuffix(f.name, ".yml"):
			p.add(f.name, 1, "file", "mapping files end in .yaml")
			continue
		case flow != "" && !flowNamePattern.MatchString(flow):
			p.add(f.name, 1, "file", "a flow's file name is lower case letters, digits and _, like opportunity_to_salesorder.yaml")
			continue
		}
		if spec := parseFile(f.name, flow, f.data, p); spec != nil {
			specs = append(specs, spec)
		}
	}
	return specs
}

// Flows lists the flows by name.
func (s *Set) Flows() []string {
	names := make([]string, 0, len(s.flows))
	for name := range s.flows {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Mapping returns the mapping of a flow.
func (s *Set) Mapping(flow string) (*Mapping, error) {
	m, ok := s.flows[flow]
	if !ok {
		return nil, fmt.Errorf("no mapping for flow %q (have %s)", flow, strings.Join(s.Flows(), ", "))
	}
	return m, nil
}

// Name is the flow's name, e.g. "opportunity_to_salesorder".
func (m *Mapping) Name() string { return m.name }

// Description is the mapping's own description.
func (m *Mapping) Description() string { return m.description }

// Source is what the mapping reads, e.g. salesforce.Opportunity.
func (m *Mapping) Source() Endpoint { return m.source }

// Target is what the mapping writes, e.g. netsuite.salesOrder.
func (m *Mapping) Target() Endpoint { return m.target }

// Files lists the files the mapping was built from: the shipped one, then
// the user's.
func (m *Mapping) Files() []string { return append([]string(nil), m.files...) }

// Vars lists the values the flow must pass to Apply.
func (m *Mapping) Vars() []string { return append([]string(nil), m.vars...) }

// Writes lists the target fields a mapping writes at the top of its
// payload, in file order: "Name", "Account__r" (a dotted field by its
// first part); a sublist's lines are not listed.
func (m *Mapping) Writes() []string {
	var out []string
	for _, f := range m.body.fields {
		if len(f.path) > 0 && !slices.Contains(out, f.path[0]) {
			out = append(out, f.path[0])
		}
	}
	return out
}

// Reads lists the source fields the mapping reads. It is shared: read it,
// do not change it.
func (m *Mapping) Reads() *Reads { return m.reads }

// Sublists names the target's sublists the mapping writes ("item",
// "addressBook"): a write should replace them whole (NetSuite's
// ?replace=), or lines would be added to the ones already there.
func (m *Mapping) Sublists() []string {
	var out []string
	for _, f := range m.body.fields {
		if f.list != nil {
			out = append(out, f.path[0])
		}
	}
	return out
}

// TableValue looks a key up in one of the set's tables, as table(name,
// key) does in a mapping: flows use it to normalise values the same way
// their mappings do (a country name to its ISO code, say).
func (s *Set) TableValue(name string, key any) (any, bool) {
	t, ok := s.tables[name]
	if !ok {
		return nil, false
	}
	return t.get(key)
}
