package schema

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
)

// The org's custom objects and custom fields are built from the metadata
// Tandem ships (deploy/salesforce/force-app, embedded), so a field added
// there is in the sandbox too: standard objects get their custom fields
// from objects/<Object>/fields, and each objects/<Name>__c directory is a
// custom object with Name (its nameField), OwnerId and CurrencyIsoCode
// beside the system fields.

// customObjectPrefixBase numbers custom objects' ids as an org does: a00, a01, … in name order.
const customObjectPrefixBase = "a0"

// activityObject holds the custom fields an org shares between Task and
// Event (objects/Activity/fields).
const activityObject = "Activity"

// metaObject is a CustomObject's *.object-meta.xml.
type metaObject struct {
	Label            string `xml:"label"`
	EnableActivities bool   `xml:"enableActivities"`
	PluralLabel      string `xml:"pluralLabel"`
	NameField        struct {
		Label string `xml:"label"`
		Type  string `xml:"type"`
	} `xml:"nameField"`
}

// metaField is a CustomField's *.field-meta.xml.
type metaField struct {
	FullName         string `xml:"fullName"`
	Label            string `xml:"label"`
	Type             string `xml:"type"`
	Length           int    `xml:"length"`
	Required         bool   `xml:"required"`
	ExternalID       bool   `xml:"externalId"`
	Unique           bool   `xml:"unique"`
	DefaultValue     string `xml:"defaultValue"`
	ReferenceTo      string `xml:"referenceTo"`
	RelationshipName string `xml:"relationshipName"`
	DeleteConstraint string `xml:"deleteConstraint"`
	ValueSet         struct {
		Restricted bool `xml:"restricted"`
		Values     []struct {
			FullName string `xml:"fullName"`
			Default  bool   `xml:"default"`
		} `xml:"valueSetDefinition>value"`
	} `xml:"valueSet"`
}

// withShippedMetadata adds the shipped custom fields to the standard
// objects and the shipped custom objects to the list.
func withShippedMetadata(standard []*Object) []*Object {
	objects, err := fromMetadata(shipped.Objects, shipped.ObjectsDir, standard)
	if err != nil {
		panic("salesforce sandbox schema: the shipped metadata: " + err.Error()) // embedded: a broken file fails every test
	}
	return objects
}

func fromMetadata(fsys fs.FS, root string, standard []*Object) ([]*Object, error) {
	byName := map[string]*Object{}
	for _, o := range standard {
		byName[o.Name] = o
	}
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, err
	}
	objects := slices.Clone(standard)
	var lookups []*Field
	owners := map[*Field]*Object{}
	for _, d := range dirs {
		name := d.Name()
		if strings.HasSuffix(name, platformEventSuffix) {
			continue // a platform event is published, never stored (PlatformEvents)
		}
		o, isStandard := byName[name]
		if name == activityObject { // Activity's custom fields are Task's (the sandbox has no Event)
			o, isStandard = byName["Task"], true
		}
		if !isStandard {
			var meta metaObject
			if err := readXML(fsys, path.Join(root, name, name+".object-meta.xml"), &meta); err != nil {
				return nil, err
			}
			o = customObject(name, meta, len(objects)-len(standard))
			objects = append(objects, o)
			if meta.EnableActivities {
				relateTasks(byName["Task"], o)
			}
		}
		fields, err := customFields(fsys, root, name)
		if err != nil {
			return nil, err
		}
		for _, f := range fields {
			o.Fields = append(o.Fields, f)
			if f.Type == Reference {
				lookups = append(lookups, f)
				owners[f] = o
			}
		}
	}
	// the one deliberate difference: Contact.NetSuite_Id__c is an External
	// ID without Unique here (it is Unique in the shipped field), so the
	// 300 Multiple Choices answers of an org where an admin left Unique off
	// stay reachable (the connector's contract tests use them).
	if c := byNameIn(objects, "Contact"); c != nil {
		for _, f := range c.Fields {
			if f.Name == "NetSuite_Id__c" {
				f.Unique = false
			}
		}
	}
	// a lookup's child relationship on its parent: Account.NetSuite_Invoices__r
	for _, f := range lookups {
		if parent := byNameIn(objects, f.ReferenceTo[0]); parent != nil {
			parent.Children = append(parent.Children, &ChildRelationship{Name: f.childRelationship,
				Object: owners[f].Name, Field: f.Name, CascadeDelete: f.cascadeDelete})
		}
	}
	return objects, nil
}

// customFields reads objects/<name>/fields; none when the directory is missing.
func customFields(fsys fs.FS, root, name string) ([]*Field, error) {
	files, err := fs.ReadDir(fsys, path.Join(root, name, "fields"))
	if err != nil {
		return nil, nil // an object without custom fields
	}
	var out []*Field
	for _, file := range files {
		var meta metaField
		if err := readXML(fsys, path.Join(root, name, "fields", file.Name()), &meta); err != nil {
			return nil, err
		}
		f, err := customField(meta)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", name, meta.FullName, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func byNameIn(objects []*Object, name string) *Object {
	for _, o := range objects {
		if o.Name == name {
			return o
		}
	}
	return nil
}

func readXML(fsys fs.FS, name string, v any) error {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// customObject is a custom object's standard fields. Its Name is not
// required over the API: a record created without one is named by its id
// (rules.go).
func customObject(name string, meta metaObject, n int) *Object {
	prefix := customObjectPrefixBase + strconv.Itoa(n)
	return object(name, meta.Label, meta.PluralLabel, prefix, systemFields("Record ID"),
		list(text("Name", cmp.Or(meta.NameField.Label, "Name"), 80).idLookup(), owner(), currency()))
}

// plainFieldTypes are the metadata types that map to one describe type.
var plainFieldTypes = map[string]FieldType{"Email": Email, "Phone": Phone, "Url": URL, "Currency": Currency,
	"Number": Double, "Percent": Percent, "Date": Date, "DateTime": DateTime}

// customField converts a CustomField; describe reports Number as double,
// Checkbox as boolean, Lookup and MasterDetail as reference.
func customField(m metaField) (*Field, error) {
	var f *Field
	if t, ok := plainFieldTypes[m.Type]; ok {
		f = field(m.FullName, m.Label, t)
	}
	switch m.Type {
	case "Email", "Phone", "Url", "Currency", "Number", "Percent", "Date", "DateTime":
	case "Text":
		f = text(m.FullName, m.Label, m.Length)
	case "TextArea", "LongTextArea", "Html":
		f = field(m.FullName, m.Label, TextArea)
		f.Length = cmp.Or(m.Length, 255)
	case "Checkbox":
		f = field(m.FullName, m.Label, Boolean).withDefault(m.DefaultValue == "true")
	case "Picklist":
		var values []string
		var def any
		for _, v := range m.ValueSet.Values {
			values = append(values, v.FullName)
			if v.Default {
				def = v.FullName
			}
		}
		f = picklist(m.FullName, m.Label, m.ValueSet.Restricted, values...).withDefault(def)
	case "Lookup", "MasterDetail":
		f = ref(m.FullName, m.Label, strings.TrimSuffix(m.FullName, "__c")+"__r", m.ReferenceTo)
		f.childRelationship = m.RelationshipName + "__r"
		// SetNull (the lookup default) is not emulated: a deleted parent leaves the id.
		f.cascadeDelete = m.Type == "MasterDetail" || m.DeleteConstraint == "Cascade"
	default:
		return nil, fmt.Errorf("field type %q is not emulated", m.Type)
	}
	if m.Required || m.Type == "MasterDetail" {
		f.required()
	}
	if m.ExternalID {
		f.externalID(m.Unique)
	} else if m.Unique {
		f.Unique = true
	}
	return f, nil
}

// relateTasks lets Tasks relate to a custom object with activities on:
// Task.WhatId may name it, and its Tasks go with it.
func relateTasks(task, o *Object) {
	if task == nil {
		return
	}
	for _, f := range task.Fields {
		if f.Name == "WhatId" {
			f.ReferenceTo = append(f.ReferenceTo, o.Name)
		}
	}
	o.Children = append(o.Children, &ChildRelationship{Name: "Tasks", Object: "Task", Field: "WhatId", CascadeDelete: true})
}
