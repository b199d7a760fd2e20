package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The record service: /services/rest/record/v1/{type}[/{id}[/{sublist}[/{line}]]].

func (s *Server) serveCollection(w http.ResponseWriter, r *http.Request) {
	rt, ok := requestType(w, r)
	if !ok {
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.listRecords(w, r, rt)
	case http.MethodPost:
		s.postRecord(w, r, rt)
	default:
		methodNotAllowed(r.Method).write(w)
	}
}

func (s *Server) serveRecord(w http.ResponseWriter, r *http.Request) {
	rt, ok := requestType(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	switch r.Method {
	case http.MethodGet:
		s.getRecord(w, r, rt, id)
	case http.MethodPatch:
		s.patchRecord(w, r, rt, id)
	case http.MethodPut:
		s.putRecord(w, r, rt, id)
	case http.MethodDelete:
		if _, err := s.deleteRecord(rt, id, s.restSource()); err != nil {
			err.write(w)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		methodNotAllowed(r.Method).write(w)
	}
}

// requestTypeFor is requestType for a resource that answers one method.
func requestTypeFor(w http.ResponseWriter, r *http.Request, method string) (*recordType, bool) {
	rt, ok := requestType(w, r)
	if ok && r.Method != method {
		methodNotAllowed(r.Method).write(w)
		return nil, false
	}
	return rt, ok
}

func requestType(w http.ResponseWriter, r *http.Request) (*recordType, bool) {
	rt, ok := lookupType(r.PathValue("type"))
	if !ok {
		notFound(fmt.Sprintf("Record type '%s' does not exist.", r.PathValue("type"))).write(w)
	}
	return rt, ok
}

func (s *Server) postRecord(w http.ResponseWriter, r *http.Request, rt *recordType) {
	s.writeRecord(w, r, func(body map[string]any, opt writeOptions) (*record, *apiError) {
		return s.createRecord(rt, body, opt, s.restSource())
	})
}

func (s *Server) patchRecord(w http.ResponseWriter, r *http.Request, rt *recordType, id string) {
	s.writeRecord(w, r, func(body map[string]any, opt writeOptions) (*record, *apiError) {
		return s.updateRecord(rt, id, body, opt, s.restSource())
	})
}

// putRecord is the upsert: PUT works only with an external id in the URL.
func (s *Server) putRecord(w http.ResponseWriter, r *http.Request, rt *recordType, id string) {
	ext, ok := strings.CutPrefix(id, "eid:")
	if !ok || ext == "" {
		invalidRequest("The upsert operation (PUT) is only supported with an external ID in the request URL: " +
			rt.name + "/eid:<external ID>.").write(w)
		return
	}
	s.writeRecord(w, r, func(body map[string]any, opt writeOptions) (*record, *apiError) {
		return s.upsertRecord(rt, ext, body, opt, s.restSource())
	})
}

// writeRecord reads the body, applies it with write and answers 204 with
// the record's URL in Location, or NetSuite's error.
func (s *Server) writeRecord(w http.ResponseWriter, r *http.Request, write func(map[string]any, writeOptions) (*record, *apiError)) {
	body, aerr := readBody(w, r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	rec, aerr := write(body, writeOptionsFrom(r))
	if aerr != nil {
		aerr.write(w)
		return
	}
	w.Header().Set("Location", s.recordBase(r)+"/"+rec.typ.name+"/"+rec.id)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, rt *recordType, id string) {
	o, aerr := s.renderOptionsFrom(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.store.mu.Lock()
	rec, ok := s.store.find(rt, id)
	var out map[string]any
	if ok {
		out = s.store.render(rec, o)
	}
	s.store.mu.Unlock()
	if !ok {
		notFound(detailNotFound).write(w)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeSingular, out)
}

// serveSublist is GET …/{id}/{sublist}[/{line}], where the links of a
// record without expandSubResources point.
func (s *Server) serveSublist(w http.ResponseWriter, r *http.Request) {
	rt, ok := requestTypeFor(w, r, http.MethodGet)
	if !ok {
		return
	}
	f, ok := rt.fields.lookup(r.PathValue("sublist"))
	if !ok || f.kind != kindSublist {
		notFound(fmt.Sprintf("Sub-resource '%s' does not exist.", r.PathValue("sublist"))).write(w)
		return
	}
	o := renderOptions{recordBase: s.recordBase(r), expand: true}
	s.store.mu.Lock()
	out, found := s.sublistOutput(rt, f, r.PathValue("id"), r.PathValue("line"), o)
	s.store.mu.Unlock()
	if !found {
		notFound(detailNotFound).write(w)
		return
	}
	writeJSON(w, http.StatusOK, contentTypeSingular, out)
}

func (s *Server) sublistOutput(rt *recordType, f *field, id, lineKey string, o renderOptions) (map[string]any, bool) {
	rec, ok := s.store.find(rt, id)
	if !ok {
		return nil, false
	}
	href := o.recordURL(rt.name, rec.id) + "/" + f.name
	ls := s.store.lines(rec, f)
	if lineKey == "" {
		return s.store.sublistCollection(f, ls, href, o), true
	}
	key, err := strconv.Atoi(lineKey)
	if err != nil || ls == nil {
		return nil, false
	}
	for _, l := range ls.lines {
		if l.key == key {
			return s.store.renderLine(f, l, href+"/"+lineKey, o), true
		}
	}
	return nil, false
}

// readBody decodes the JSON object a write sends; an empty body is {}.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, *apiError) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, invalidRequest(fmt.Sprintf("The request body exceeds the %d byte limit.", MaxRequestBody))
		}
		return nil, invalidRequest(detailMalformed)
	}
	if strings.TrimSpace(string(raw)) == "" {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil || dec.More() {
		return nil, invalidRequest(detailMalformed)
	}
	return body, nil
}

func writeOptionsFrom(r *http.Request) writeOptions {
	opt := writeOptions{
		replace: map[string]bool{},
		strict:  strings.EqualFold(r.Header.Get("X-NetSuite-PropertyNameValidation"), "error"),
	}
	for name := range strings.SplitSeq(r.URL.Query().Get("replace"), ",") {
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
			opt.replace[name] = true
		}
	}
	return opt
}

func (s *Server) renderOptionsFrom(r *http.Request) (renderOptions, *apiError) {
	q := r.URL.Query()
	o := renderOptions{recordBase: s.recordBase(r), selfQuery: q.Encode()}
	var err *apiError
	if o.expand, err = boolParam(q, "expandSubResources"); err != nil {
		return o, err
	}
	if o.simpleEnums, err = boolParam(q, "simpleEnumFormat"); err != nil {
		return o, err
	}
	if fields := q.Get("fields"); fields != "" {
		o.fields = map[string]bool{}
		for name := range strings.SplitSeq(fields, ",") {
			o.fields[strings.ToLower(strings.TrimSpace(name))] = true
		}
	}
	return o, nil
}

func boolParam(q map[string][]string, name string) (bool, *apiError) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[0]
	}
	switch strings.ToLower(v) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, invalidParameter(name, fmt.Sprintf("Invalid value '%s' for query parameter '%s'. Provide true or false.", v, name))
}
