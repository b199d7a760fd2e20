package sandbox

import (
	"fmt"
	"net/http"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// releaseName is the Salesforce release of an API version: v46.0 was
// Summer '19, and each release since adds one.
func releaseName(version int) string {
	n := version - MinAPIVersion
	season := [...]string{"Summer", "Winter", "Spring"}[n%3]
	return fmt.Sprintf("%s '%d", season, 19+(n+2)/3)
}

// handleVersions serves GET /services/data/ (no session needed).
func (s *Server) handleVersions(w http.ResponseWriter, _ *http.Request) {
	var list []jsonObject
	for v := MinAPIVersion; v <= MaxAPIVersion; v++ {
		list = append(list, jsonObject{{"label", releaseName(v)}, {"url", fmt.Sprintf("/services/data/v%d.0", v)}, {"version", fmt.Sprintf("%d.0", v)}})
	}
	writeJSON(w, http.StatusOK, list)
}

// handleResources serves GET /services/data/vXX.X/.
func (s *Server) handleResources(w http.ResponseWriter, r *http.Request) {
	base := "/services/data/v" + callOf(r).version + "/"
	out := jsonObject{}
	for _, name := range []string{"composite", "limits", "query", "queryAll", "sobjects"} {
		out = append(out, jsonField{name, base + name})
	}
	writeJSON(w, http.StatusOK, out)
}

// handleLimits serves GET /limits.
func (s *Server) handleLimits(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	used := s.apiUsage.used(s.cfg.Clock())
	s.mu.Unlock()
	limit := func(max, remaining int) jsonObject { return jsonObject{{"Max", max}, {"Remaining", remaining}} }
	writeJSON(w, http.StatusOK, jsonObject{
		{"DailyApiRequests", limit(s.cfg.APILimit, max(0, s.cfg.APILimit-used))},
		{"DailyAsyncApexExecutions", limit(250000, 250000)},
		{"DailyBulkApiBatches", limit(15000, 15000)},
		{"DailyBulkV2QueryJobs", limit(10000, 10000)},
		{"DataStorageMB", limit(5, 5)},
		{"FileStorageMB", limit(20, 20)},
	})
}

func objectURLs(version, name string) jsonObject {
	base := "/services/data/v" + version + "/sobjects/" + name
	return jsonObject{{"sobject", base}, {"describe", base + "/describe"}, {"rowTemplate", base + "/{ID}"}}
}

func objectSummary(version string, o *schema.Object) jsonObject {
	return jsonObject{
		{"name", o.Name}, {"label", o.Label}, {"labelPlural", o.LabelPlural}, {"keyPrefix", o.KeyPrefix},
		{"custom", false}, {"createable", true}, {"updateable", true}, {"deletable", true},
		{"queryable", true}, {"retrieveable", true}, {"searchable", true}, {"urls", objectURLs(version, o.Name)},
	}
}

// handleGlobalDescribe serves GET /sobjects.
func (s *Server) handleGlobalDescribe(w http.ResponseWriter, r *http.Request) {
	version := callOf(r).version
	var list []jsonObject
	for _, name := range s.schema.Names() {
		o, _ := s.schema.Object(name)
		list = append(list, objectSummary(version, o))
	}
	writeJSON(w, http.StatusOK, jsonObject{{"encoding", "UTF-8"}, {"maxBatchSize", MaxCollectionSize}, {"sobjects", list}})
}

// handleObjectInfo serves GET /sobjects/{object}.
func (s *Server) handleObjectInfo(w http.ResponseWriter, r *http.Request) error {
	o, err := s.objectParam(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jsonObject{{"objectDescribe", objectSummary(callOf(r).version, o)}, {"recentItems", []any{}}})
	return nil
}

// handleDescribe serves GET /sobjects/{object}/describe.
func (s *Server) handleDescribe(w http.ResponseWriter, r *http.Request) error {
	o, err := s.objectParam(r)
	if err != nil {
		return err
	}
	fields := make([]jsonObject, len(o.Fields))
	for i, f := range o.Fields {
		fields[i] = describeField(f)
	}
	children := make([]jsonObject, len(o.Children))
	for i, c := range o.Children {
		children[i] = jsonObject{{"childSObject", c.Object}, {"field", c.Field}, {"relationshipName", c.Name}, {"cascadeDelete", c.CascadeDelete}}
	}
	body := append(objectSummary(callOf(r).version, o), jsonField{"fields", fields}, jsonField{"childRelationships", children})
	writeJSON(w, http.StatusOK, body)
	return nil
}

func describeField(f *schema.Field) jsonObject {
	picklist := make([]jsonObject, len(f.Picklist))
	for i, v := range f.Picklist {
		picklist[i] = jsonObject{{"active", true}, {"defaultValue", v == f.Default}, {"label", v}, {"value", v}}
	}
	referenceTo := f.ReferenceTo
	if referenceTo == nil {
		referenceTo = []string{}
	}
	var relationship any
	if f.RelationshipName != "" {
		relationship = f.RelationshipName
	}
	return jsonObject{
		{"name", f.Name}, {"label", f.Label}, {"type", string(f.Type)}, {"length", f.Length},
		{"custom", f.Custom()}, {"nillable", !f.Required && f.Type != schema.Boolean && f.Type != schema.ID},
		{"createable", f.Createable}, {"updateable", f.Updateable}, {"defaultedOnCreate", f.Default != nil || !f.Createable},
		{"calculated", false}, {"unique", f.Unique}, {"externalId", f.ExternalID}, {"idLookup", f.IDLookup},
		{"filterable", true}, {"sortable", f.Type != schema.TextArea}, {"restrictedPicklist", f.Restricted},
		{"picklistValues", picklist}, {"referenceTo", referenceTo}, {"relationshipName", relationship},
		{"soapType", soapType(f.Type)},
	}
}

func soapType(t schema.FieldType) string {
	switch t {
	case schema.ID, schema.Reference:
		return "tns:ID"
	case schema.Currency, schema.Double, schema.Percent:
		return "xsd:double"
	case schema.Int:
		return "xsd:int"
	case schema.Boolean:
		return "xsd:boolean"
	case schema.Date:
		return "xsd:date"
	case schema.DateTime:
		return "xsd:dateTime"
	}
	return "xsd:string"
}
