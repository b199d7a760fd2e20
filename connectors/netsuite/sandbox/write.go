package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// writeOptions are the knobs of one create/update.
type writeOptions struct {
	replace map[string]bool // lower-case sublist names replaced wholesale (?replace=item)
	strict  bool            // X-NetSuite-PropertyNameValidation: error
	asUser  bool            // a UI user's edit (Put): read-only fields may be set
}

// txn is one write in progress, under the store lock.
type txn struct {
	s   *store
	now time.Time
}

// resolve finds the record a reference points to; target "item" means any item type.
func (tx *txn) resolve(target, id string) (*record, bool) {
	types, several := multiTypeTargets[target]
	if !several {
		rt, ok := lookupType(target)
		if !ok {
			return nil, false
		}
		return tx.s.find(rt, id)
	}
	for _, name := range types {
		if r, ok := tx.s.find(recordTypes[strings.ToLower(name)], id); ok {
			return r, true
		}
	}
	return nil, false
}

func (tx *txn) create(rt *recordType, body map[string]any, opt writeOptions) (*record, *apiError) {
	r := newRecord(rt, "")
	if err := tx.apply(r, body, opt); err != nil {
		return nil, err
	}
	r.id = tx.s.newID(rt)
	r.created, r.modified = tx.now, tx.now
	return r, nil
}

func (tx *txn) update(old *record, body map[string]any, opt writeOptions) (*record, *apiError) {
	r := old.clone()
	if err := tx.apply(r, body, opt); err != nil {
		return nil, err
	}
	r.modified = tx.now
	return r, nil
}

// apply writes body into r, then lets the type fill in and check the rest.
func (tx *txn) apply(r *record, body map[string]any, opt writeOptions) *apiError {
	a := applier{tx: tx, opt: opt}
	if err := a.object(r.typ.fields, r.fields, body, "", r); err != nil {
		return err
	}
	for name := range opt.replace {
		if f, ok := r.typ.fields.lookup(name); ok && f.kind == kindSublist && !hasKey(body, f.name) {
			r.sublist(f.name).lines = nil // replaced by no lines at all
		}
	}
	if err := r.typ.complete(tx, r); err != nil {
		return err
	}
	if r.typ.tranPrefix != "" && r.string("tranId") == "" {
		r.fields["tranId"] = tx.s.nextTranID(r.typ.tranPrefix)
	}
	return tx.checkExternalID(r)
}

func (tx *txn) checkExternalID(r *record) *apiError {
	ext := r.string("externalId")
	if other, ok := tx.s.findExternal(r.typ, ext); ok && ext != "" && other.id != r.id {
		return userError("This record already exists.")
	}
	return nil
}

func hasKey(body map[string]any, name string) bool {
	for k := range body {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// applier writes request JSON into stored fields.
type applier struct {
	tx  *txn
	opt writeOptions
}

// object writes body's fields into dst. rec is the record when dst is its
// body (sublists live beside the body fields), nil inside lines and subrecords.
func (a applier) object(fs *fieldSet, dst, body map[string]any, path string, rec *record) *apiError {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic error reporting
	for _, k := range keys {
		if err := a.member(fs, dst, k, body[k], joinPath(path, k), rec); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (a applier) member(fs *fieldSet, dst map[string]any, key string, v any, path string, rec *record) *apiError {
	switch strings.ToLower(key) {
	case "links", "refname":
		return nil // output-only decorations
	}
	f, ok := fs.lookup(key)
	switch {
	case !ok && isCustomField(key):
		setOrClear(dst, strings.ToLower(key), plainJSON(v))
		return nil
	case !ok && a.opt.strict:
		return badRequest(codeInvalidContent, accessPrefix+fmt.Sprintf("Invalid field name: '%s'.", key))
	case !ok, f.readOnly && !a.opt.asUser, f.derive != nil:
		return nil // NetSuite ignores unknown (validation "warning") and read-only fields
	case f.kind == kindSublist:
		if rec == nil {
			return invalidValue(v, strings.ToLower(f.name), path)
		}
		return a.sublist(rec, f, v, path)
	}
	val, err := a.value(f, dst[f.name], v, path)
	if err != nil {
		return err
	}
	setOrClear(dst, f.name, val)
	return nil
}

func setOrClear(dst map[string]any, name string, v any) {
	if v == nil {
		delete(dst, name) // null clears a field
		return
	}
	dst[name] = v
}

// value converts one JSON value for f; nil means "clear".
func (a applier) value(f *field, old, v any, path string) (any, *apiError) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, *apiError) { return nil, invalidValue(shown(v), strings.ToLower(f.name), path) }
	switch f.kind {
	case kindString:
		return scalarText(v, bad)
	case kindNumber, kindInteger:
		n, ok := toNumber(v)
		if !ok || f.kind == kindInteger && n != float64(int64(n)) {
			return bad()
		}
		return n, nil
	case kindBool:
		b, ok := toBool(v)
		if !ok {
			return bad()
		}
		return b, nil
	case kindDate:
		return dateValue(v, bad)
	case kindDateTime:
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return bad()
		}
		return t.UTC(), nil
	case kindRef:
		return a.reference(f, v, path)
	case kindEnum:
		return enumFrom(f, v, bad)
	case kindSubrecord:
		return a.subrecord(f, old, v, path)
	}
	return plainJSON(v), nil
}

func scalarText(v any, bad func() (any, *apiError)) (any, *apiError) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	}
	return bad()
}

func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(x) {
		case "true", "t":
			return true, true
		case "false", "f":
			return false, true
		}
	}
	return false, false
}

var datePattern = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)

// dateValue accepts YYYY-M-D (NetSuite takes "2020-6-15") and stores YYYY-MM-DD.
func dateValue(v any, bad func() (any, *apiError)) (any, *apiError) {
	s, _ := v.(string)
	m := datePattern.FindStringSubmatch(s)
	if m == nil {
		return bad()
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo {
		return bad()
	}
	return t.Format(time.DateOnly), nil
}

// reference resolves {"id": …} or {"externalId": …} to the record it names.
func (a applier) reference(f *field, v any, path string) (any, *apiError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, invalidValue(shown(v), strings.ToLower(f.name), path)
	}
	id, hasID := idText(obj["id"])
	ext, hasExt := idText(obj["externalId"])
	var target *record
	var found bool
	switch {
	case hasID:
		target, found = a.tx.resolve(f.target, id)
	case hasExt:
		target, found = a.tx.resolve(f.target, "eid:"+ext)
		id = ext
	default:
		return nil, invalidValue(shown(v), strings.ToLower(f.name), path)
	}
	if !found && !knownType(f.target) {
		return refValue{typ: f.target, id: id}, nil // a type the sandbox does not model: taken on trust
	}
	if !found || f.target == "item" && target.bool("isInactive") {
		return nil, invalidValue(id, strings.ToLower(f.name), path)
	}
	return refValue{typ: target.typ.name, id: target.id}, nil
}

func knownType(target string) bool {
	_, ok := lookupType(target)
	_, several := multiTypeTargets[target]
	return ok || several
}

// multiTypeTargets are reference targets that may name a record of
// several types (ids are unique across a family, so the id alone finds it).
var multiTypeTargets = map[string][]string{"item": itemTypes, "refundable": refundable}

func idText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

func enumFrom(f *field, v any, bad func() (any, *apiError)) (any, *apiError) {
	id, ok := idText(v)
	if obj, isObj := v.(map[string]any); isObj {
		id, ok = idText(obj["id"])
		if name, named := obj["refName"].(string); !ok && named {
			id, ok = enumByName(f, name)
		}
	}
	if !ok {
		return bad()
	}
	if _, known := f.enum[id]; !known && !f.openEnum {
		return bad()
	}
	return enumValue(id), nil
}

func enumByName(f *field, name string) (string, bool) {
	for id, n := range f.enum {
		if strings.EqualFold(n, name) {
			return id, true
		}
	}
	return "", false
}

// subrecord merges an object into the stored one (PATCH semantics inside).
func (a applier) subrecord(f *field, old, v any, path string) (any, *apiError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, invalidValue(shown(v), strings.ToLower(f.name), path)
	}
	dst := map[string]any{}
	if prev, ok := old.(map[string]any); ok {
		dst = cloneFields(prev)
	}
	if err := a.object(f.fields, dst, obj, path, nil); err != nil {
		return nil, err
	}
	return dst, nil
}

// sublist applies {"items":[…]}: lines with their key merge into the line
// with that key, lines without one are appended, and a replaced sublist
// keeps only the lines sent.
func (a applier) sublist(r *record, f *field, v any, path string) *apiError {
	obj, ok := v.(map[string]any)
	if !ok {
		return invalidValue(shown(v), strings.ToLower(f.name), path)
	}
	items, ok := obj["items"].([]any)
	if !ok {
		if obj["items"] == nil {
			return nil // {"links":…} echoed back, or no lines: nothing to do
		}
		return invalidValue(shown(obj["items"]), strings.ToLower(f.name), path+".items")
	}
	ls := r.sublist(f.name)
	if a.opt.replace[strings.ToLower(f.name)] {
		ls.lines = nil
	}
	for i, item := range items {
		if err := a.line(ls, f, item, fmt.Sprintf("%s.items[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func (a applier) line(ls *lineSet, f *field, item any, path string) *apiError {
	body, ok := item.(map[string]any)
	if !ok {
		return invalidValue(shown(item), strings.ToLower(f.name), path)
	}
	l, err := a.matchLine(ls, f, body, path)
	if err != nil {
		return err
	}
	if l == nil {
		ls.lastKey++
		l = &line{key: ls.lastKey, fields: map[string]any{}}
		ls.lines = append(ls.lines, l)
	}
	if err := a.object(f.fields, l.fields, body, path, nil); err != nil {
		return err
	}
	if kf, ok := f.fields.lookup(f.key); ok && kf.kind == kindInteger {
		l.fields[kf.name] = float64(l.key) // the line number NetSuite assigned
	}
	return nil
}

// matchLine finds the existing line body names by its key, or nil for a new line.
func (a applier) matchLine(ls *lineSet, f *field, body map[string]any, path string) (*line, *apiError) {
	kf, ok := f.fields.lookup(f.key)
	if !ok {
		return nil, nil
	}
	var want any
	for k, v := range body {
		if strings.EqualFold(k, kf.name) && v != nil {
			want = v
		}
	}
	if want == nil {
		return nil, nil
	}
	for _, l := range ls.lines {
		if sameKey(kf, l.fields[kf.name], want) {
			return l, nil
		}
	}
	if kf.kind == kindRef {
		return nil, nil // a new contact/document: a new line
	}
	return nil, invalidValue(shown(want), strings.ToLower(kf.name), path+"."+kf.name)
}

func sameKey(kf *field, stored, want any) bool {
	if kf.kind == kindRef {
		sr, _ := stored.(refValue)
		obj, _ := want.(map[string]any)
		id, _ := idText(obj["id"])
		return sr.id != "" && sr.id == id
	}
	n, ok := toNumber(want)
	return ok && stored == n
}

// plainJSON turns decoded JSON (with json.Number) into plain Go values.
func plainJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plainJSON(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = plainJSON(e)
		}
		return s
	}
	return v
}

// shown is how a rejected value appears in the error detail.
func shown(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case map[string]any:
		if id, ok := idText(x["id"]); ok {
			return id
		}
	}
	raw, _ := json.Marshal(plainJSON(v))
	return string(raw)
}
