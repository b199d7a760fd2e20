package sandbox

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// record is one stored record. Field values are string, float64, bool,
// time.Time (datetimes), refValue, enumValue, map[string]any (subrecords)
// or, for custom fields, whatever JSON gave.
type record struct {
	typ      *recordType
	id       string
	fields   map[string]any      // body fields by NetSuite name; custom fields by lower-case id
	sublists map[string]*lineSet // by NetSuite name
	created  time.Time
	modified time.Time
}

// lineSet is a sublist's lines. Keys are never reused, as in NetSuite.
type lineSet struct {
	lines   []*line
	lastKey int
}

type line struct {
	key    int
	fields map[string]any
}

type refValue struct{ typ, id string }

type enumValue string

func newRecord(rt *recordType, id string) *record {
	return &record{typ: rt, id: id, fields: map[string]any{}, sublists: map[string]*lineSet{}}
}

func (r *record) clone() *record {
	c := *r
	c.fields = cloneFields(r.fields)
	c.sublists = make(map[string]*lineSet, len(r.sublists))
	for name, ls := range r.sublists {
		cl := &lineSet{lastKey: ls.lastKey}
		for _, l := range ls.lines {
			cl.lines = append(cl.lines, &line{key: l.key, fields: cloneFields(l.fields)})
		}
		c.sublists[name] = cl
	}
	return &c
}

func cloneFields(m map[string]any) map[string]any {
	c := maps.Clone(m)
	for k, v := range c {
		if sub, ok := v.(map[string]any); ok {
			c[k] = cloneFields(sub)
		}
	}
	return c
}

func (r *record) sublist(name string) *lineSet {
	ls, ok := r.sublists[name]
	if !ok {
		ls = &lineSet{}
		r.sublists[name] = ls
	}
	return ls
}

// linesOf lists a sublist's lines without creating the sublist.
func (r *record) linesOf(name string) []*line {
	if ls := r.sublists[name]; ls != nil {
		return ls.lines
	}
	return nil
}

func (r *record) string(name string) string {
	s, _ := r.fields[name].(string)
	return s
}

func (r *record) number(name string) float64 {
	f, _ := r.fields[name].(float64)
	return f
}

func (r *record) bool(name string) bool {
	b, _ := r.fields[name].(bool)
	return b
}

func (r *record) ref(name string) (refValue, bool) {
	v, ok := r.fields[name].(refValue)
	return v, ok
}

// setDefault sets a field only when it has no value.
func (r *record) setDefault(name string, v any) {
	if _, ok := r.fields[name]; !ok {
		r.fields[name] = v
	}
}

// store holds every record. One mutex guards it all: requests are small.
type store struct {
	mu         sync.Mutex
	records    map[string]map[string]*record // type name → id → record
	byExternal map[string]map[string]string  // type name → externalId → id
	nextID     map[string]int                // id series (family, or type for lists) → next id
	tranNumber map[string]int                // tranId prefix → last number
	clock      func() time.Time              // the account's clock: "today" for overdue figures
	version    uint64                        // bumped by every put and remove: what cached tables were built from
	tables     map[string]cachedTable        // SuiteQL tables kept between queries (see cachedTables)
}

func newStore() *store {
	return &store{
		records:    map[string]map[string]*record{},
		byExternal: map[string]map[string]string{},
		nextID:     map[string]int{},
		tranNumber: map[string]int{},
		clock:      time.Now,
	}
}

// firstIDs is where each id series starts.
var firstIDs = map[family]int{familyEntity: 100, familyTransaction: 5000, familyItem: 1001, familyList: 1}

func (s *store) newID(rt *recordType) string {
	series := string(rt.family)
	if rt.family == familyList {
		series = rt.name
	}
	n, ok := s.nextID[series]
	if !ok {
		n = firstIDs[rt.family]
	}
	s.nextID[series] = n + 1
	return strconv.Itoa(n)
}

func (s *store) nextTranID(prefix string) string {
	s.tranNumber[prefix]++
	return prefix + strconv.Itoa(s.tranNumber[prefix])
}

func (s *store) get(rt *recordType, id string) (*record, bool) {
	r, ok := s.records[rt.name][id]
	return r, ok
}

// find resolves an id as the URL gives it: an internal id or eid:<externalId>.
func (s *store) find(rt *recordType, id string) (*record, bool) {
	if ext, ok := strings.CutPrefix(id, "eid:"); ok {
		id, ok = s.byExternal[rt.name][ext]
		if !ok {
			return nil, false
		}
	}
	return s.get(rt, id)
}

func (s *store) findExternal(rt *recordType, ext string) (*record, bool) {
	id, ok := s.byExternal[rt.name][ext]
	if !ok {
		return nil, false
	}
	return s.get(rt, id)
}

// put stores r, replacing any previous version and its external id.
func (s *store) put(r *record) {
	name := r.typ.name
	if old, ok := s.records[name][r.id]; ok {
		delete(s.byExternal[name], old.string("externalId"))
	}
	if s.records[name] == nil {
		s.records[name] = map[string]*record{}
		s.byExternal[name] = map[string]string{}
	}
	s.records[name][r.id] = r
	s.version++
	if ext := r.string("externalId"); ext != "" {
		s.byExternal[name][ext] = r.id
	}
}

func (s *store) remove(r *record) {
	s.version++
	delete(s.records[r.typ.name], r.id)
	delete(s.byExternal[r.typ.name], r.string("externalId"))
}

// all lists a type's records in id order.
func (s *store) all(rt *recordType) []*record {
	type keyed struct {
		n   int
		num bool
		r   *record
	}
	ks := make([]keyed, 0, len(s.records[rt.name]))
	for _, r := range s.records[rt.name] {
		n, err := strconv.Atoi(r.id) // once a record, not once a comparison
		ks = append(ks, keyed{n, err == nil, r})
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.num && b.num {
			return a.n - b.n
		}
		return compareIDs(a.r.id, b.r.id)
	})
	rs := make([]*record, len(ks))
	for i, k := range ks {
		rs[i] = k.r
	}
	return rs
}

func compareIDs(a, b string) int {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return na - nb
	}
	return strings.Compare(a, b)
}

// newAddressID numbers address subrecords (EntityAddress.nkey in SuiteQL).
func (s *store) newAddressID() string {
	n := max(s.nextID["address"], 1)
	s.nextID["address"] = n + 1
	return strconv.Itoa(n)
}
