// Package schema describes the sandbox org's objects: their fields, field
// types, which fields are required, read-only or external ids, and the
// parent and child relationships SOQL walks. Names are looked up
// case-insensitively, as Salesforce does.
package schema

import (
	"sort"
	"strings"
)

// FieldType is a Salesforce field type as describe reports it.
type FieldType string

// The field types the sandbox's objects use.
const (
	ID        FieldType = "id"
	String    FieldType = "string"
	TextArea  FieldType = "textarea"
	Phone     FieldType = "phone"
	URL       FieldType = "url"
	Email     FieldType = "email"
	Picklist  FieldType = "picklist"
	Reference FieldType = "reference"
	Boolean   FieldType = "boolean"
	Currency  FieldType = "currency"
	Double    FieldType = "double"
	Percent   FieldType = "percent"
	Int       FieldType = "int"
	Date      FieldType = "date"
	DateTime  FieldType = "datetime"
)

// IsText reports whether values of t are strings in SOQL and JSON.
func (t FieldType) IsText() bool {
	switch t {
	case String, TextArea, Phone, URL, Email, Picklist, ID, Reference:
		return true
	}
	return false
}

// IsNumber reports whether values of t are numbers.
func (t FieldType) IsNumber() bool {
	switch t {
	case Currency, Double, Percent, Int:
		return true
	}
	return false
}

// SOQLType is the type name SOQL error messages use for t.
func (t FieldType) SOQLType() string {
	switch t {
	case Currency, Double, Percent:
		return "double"
	case Int:
		return "int"
	case DateTime:
		return "dateTime"
	case Date, Boolean:
		return string(t)
	case ID, Reference:
		return "id"
	}
	return "string"
}

// Field is one field of an object.
type Field struct {
	Name  string
	Label string
	Type  FieldType
	// Required fields must be given on create (nillable=false, no default).
	Required bool
	// Createable and Updateable are false for system and derived fields.
	Createable, Updateable       bool
	ExternalID, Unique, IDLookup bool
	// Restricted picklists reject values outside Picklist.
	Restricted bool
	Picklist   []string
	// Default is the value a create gets when the field is not given.
	Default any
	// ReferenceTo names the parent objects of a reference field and
	// RelationshipName the name SOQL uses to walk to it ("Account").
	ReferenceTo      []string
	RelationshipName string
	Length           int

	childRelationship string // a custom lookup's relationship name on its parent
	cascadeDelete     bool   // a custom lookup whose children go with the parent
}

// Custom reports whether the field is a custom field.
func (f *Field) Custom() bool { return strings.HasSuffix(f.Name, "__c") }

// ChildRelationship is a one-to-many relationship seen from the parent:
// Opportunity.OpportunityLineItems = OpportunityLineItem.OpportunityId.
type ChildRelationship struct {
	Name   string // "OpportunityLineItems"
	Object string // "OpportunityLineItem"
	Field  string // "OpportunityId"
	// CascadeDelete children are deleted with their parent.
	CascadeDelete bool
}

// Object is one sObject type.
type Object struct {
	Name, Label, LabelPlural string
	KeyPrefix                string
	Fields                   []*Field
	Children                 []*ChildRelationship

	fields  map[string]*Field
	parents map[string]*Field
}

// Field looks a field up by name, case-insensitively.
func (o *Object) Field(name string) (*Field, bool) {
	f, ok := o.fields[strings.ToLower(name)]
	return f, ok
}

// Parent looks a reference field up by its relationship name ("Account"
// for AccountId), case-insensitively.
func (o *Object) Parent(relationship string) (*Field, bool) {
	f, ok := o.parents[strings.ToLower(relationship)]
	return f, ok
}

// Child looks a child relationship up by name, case-insensitively.
func (o *Object) Child(relationship string) (*ChildRelationship, bool) {
	for _, c := range o.Children {
		if strings.EqualFold(c.Name, relationship) {
			return c, true
		}
	}
	return nil, false
}

// Schema is the set of objects of the org.
type Schema struct {
	objects  map[string]*Object
	byPrefix map[string]*Object
	names    []string
}

// New builds a schema from object definitions and links each reference
// field's relationship into the parent's child relationships.
func New(objects ...*Object) *Schema {
	s := &Schema{objects: map[string]*Object{}, byPrefix: map[string]*Object{}}
	for _, o := range objects {
		o.fields = map[string]*Field{}
		o.parents = map[string]*Field{}
		for _, f := range o.Fields {
			o.fields[strings.ToLower(f.Name)] = f
			if f.RelationshipName != "" {
				o.parents[strings.ToLower(f.RelationshipName)] = f
			}
		}
		s.objects[strings.ToLower(o.Name)] = o
		s.byPrefix[o.KeyPrefix] = o
		s.names = append(s.names, o.Name)
	}
	sort.Strings(s.names)
	return s
}

// Object looks an object up by name, case-insensitively.
func (s *Schema) Object(name string) (*Object, bool) {
	o, ok := s.objects[strings.ToLower(name)]
	return o, ok
}

// ByPrefix finds the object whose ids start with prefix.
func (s *Schema) ByPrefix(prefix string) (*Object, bool) {
	o, ok := s.byPrefix[prefix]
	return o, ok
}

// Names lists the object names in alphabetical order.
func (s *Schema) Names() []string { return s.names }
