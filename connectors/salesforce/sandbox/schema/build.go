package schema

// Small builders that keep the object catalog readable: every field starts
// createable and updateable, and modifiers narrow it.

func field(name, label string, t FieldType) *Field {
	return &Field{Name: name, Label: label, Type: t, Createable: true, Updateable: true}
}

func text(name, label string, length int) *Field {
	f := field(name, label, String)
	f.Length = length
	return f
}

func ref(name, label, relationship string, to ...string) *Field {
	f := field(name, label, Reference)
	f.RelationshipName = relationship
	f.ReferenceTo = to
	f.Length = 18
	return f
}

func picklist(name, label string, restricted bool, values ...string) *Field {
	f := field(name, label, Picklist)
	f.Restricted = restricted
	f.Picklist = values
	f.Length = 255
	return f
}

// required: must be given on create.
func (f *Field) required() *Field { f.Required = true; return f }

// readOnly: system or derived, never written by clients.
func (f *Field) readOnly() *Field { f.Createable, f.Updateable = false, false; return f }

// createOnly: set on create, fixed afterwards (e.g. a line's PricebookEntryId).
func (f *Field) createOnly() *Field { f.Updateable = false; return f }

func (f *Field) externalID(unique bool) *Field {
	f.ExternalID, f.Unique, f.IDLookup = true, unique, true
	return f
}

func (f *Field) idLookup() *Field { f.IDLookup = true; return f }

func (f *Field) withDefault(v any) *Field { f.Default = v; return f }

func (f *Field) withLength(n int) *Field { f.Length = n; return f }

// systemFields are the fields every record has.
func systemFields(idLabel string) []*Field {
	return []*Field{
		field("Id", idLabel, ID).readOnly().idLookup(),
		field("IsDeleted", "Deleted", Boolean).readOnly(),
		field("CreatedDate", "Created Date", DateTime).readOnly(),
		ref("CreatedById", "Created By ID", "CreatedBy", "User").readOnly(),
		field("LastModifiedDate", "Last Modified Date", DateTime).readOnly(),
		ref("LastModifiedById", "Last Modified By ID", "LastModifiedBy", "User").readOnly(),
		field("SystemModstamp", "System Modstamp", DateTime).readOnly(),
	}
}

func address(prefix, label string) []*Field {
	return []*Field{
		field(prefix+"Street", label+" Street", TextArea),
		text(prefix+"City", label+" City", 40),
		text(prefix+"State", label+" State/Province", 80),
		text(prefix+"PostalCode", label+" Zip/Postal Code", 20),
		text(prefix+"Country", label+" Country", 80),
	}
}

func object(name, label, plural, prefix string, fields ...[]*Field) *Object {
	o := &Object{Name: name, Label: label, LabelPlural: plural, KeyPrefix: prefix}
	for _, group := range fields {
		o.Fields = append(o.Fields, group...)
	}
	return o
}

func list(fields ...*Field) []*Field { return fields }
