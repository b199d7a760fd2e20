package sandbox

import (
	"strconv"
	"strings"
	"time"
)

// isoSeconds is how NetSuite's REST service writes datetimes.
const isoSeconds = "2006-01-02T15:04:05Z"

// renderOptions are the GET query parameters that shape a record.
type renderOptions struct {
	recordBase  string          // <BaseURL>/services/rest/record/v1
	selfQuery   string          // raw query echoed in the self link ("" for none)
	expand      bool            // expandSubResources=true
	fields      map[string]bool // fields=a,b (lower case); nil = every field
	simpleEnums bool            // simpleEnumFormat=true
}

func (o renderOptions) wants(name string) bool {
	return o.fields == nil || o.fields[strings.ToLower(name)]
}

func link(href string) []any {
	return []any{map[string]any{"rel": "self", "href": href}}
}

func (o renderOptions) recordURL(typ, id string) string {
	return o.recordBase + "/" + typ + "/" + id
}

// render shapes r as GET returns it.
func (s *store) render(r *record, o renderOptions) map[string]any {
	self := o.recordURL(r.typ.name, r.id)
	selfLink := self
	if o.selfQuery != "" {
		selfLink += "?" + o.selfQuery
	}
	out := map[string]any{"links": link(selfLink)}
	put := func(name string, v any) {
		if o.wants(name) {
			out[name] = v
		}
	}
	put("id", r.id)
	put(r.typ.created, r.created.UTC().Format(isoSeconds))
	put("lastModifiedDate", r.modified.UTC().Format(isoSeconds))
	for name, v := range r.fields {
		f, _ := r.typ.fields.lookup(name)
		put(name, s.renderValue(f, v, self+"/"+name, o))
	}
	for name, v := range s.computedFields(r) {
		put(name, v)
	}
	for _, f := range r.typ.fields.order {
		if f.kind == kindSublist {
			put(f.name, s.renderSublist(f, s.lines(r, f), self+"/"+f.name, o))
		}
	}
	return out
}

func (s *store) renderValue(f *field, v any, href string, o renderOptions) any {
	switch x := v.(type) {
	case refValue:
		return s.renderRef(x, o)
	case enumValue:
		if o.simpleEnums {
			return string(x)
		}
		return map[string]any{"id": string(x), "refName": enumName(f, string(x))}
	case time.Time:
		return x.UTC().Format(isoSeconds)
	case map[string]any:
		if f == nil || f.kind != kindSubrecord {
			return x // a custom field's object, as given
		}
		out := map[string]any{"links": link(href)}
		for name, sv := range x {
			sf, _ := f.fields.lookup(name)
			out[name] = s.renderValue(sf, sv, href+"/"+name, o)
		}
		return out
	}
	return v
}

func enumName(f *field, id string) string {
	if f != nil {
		if name, ok := f.enum[id]; ok {
			return name
		}
	}
	return id
}

// renderRef writes a reference as {"links","id","refName"}; a record the
// sandbox does not model has no refName.
func (s *store) renderRef(v refValue, o renderOptions) map[string]any {
	out := map[string]any{"links": link(o.recordURL(v.typ, v.id)), "id": v.id}
	if rt, ok := lookupType(v.typ); ok {
		if target, ok := s.get(rt, v.id); ok {
			out["refName"] = rt.refName(target)
		}
	}
	return out
}

// lines are a sublist's lines: stored, or derived from other records.
func (s *store) lines(r *record, f *field) *lineSet {
	if f.derive != nil {
		return f.derive(s, r)
	}
	return r.sublists[f.name]
}

// renderSublist is a link unless expandSubResources asks for the lines.
func (s *store) renderSublist(f *field, ls *lineSet, href string, o renderOptions) map[string]any {
	if !o.expand {
		return map[string]any{"links": link(href)}
	}
	return s.sublistCollection(f, ls, href, o)
}

func (s *store) sublistCollection(f *field, ls *lineSet, href string, o renderOptions) map[string]any {
	items := []any{}
	if ls != nil {
		for _, l := range ls.lines {
			items = append(items, s.renderLine(f, l, href+"/"+strconv.Itoa(l.key), o))
		}
	}
	return map[string]any{
		"links": link(href), "items": items,
		"totalResults": len(items), "count": len(items), "hasMore": false, "offset": 0,
	}
}

func (s *store) renderLine(f *field, l *line, href string, o renderOptions) map[string]any {
	out := map[string]any{"links": link(href)}
	for name, v := range l.fields {
		lf, _ := f.fields.lookup(name)
		out[name] = s.renderValue(lf, v, href+"/"+name, o)
	}
	return out
}
