package sandbox

import (
	"fmt"
	"strings"

	shipped "github.com/tandem-sync/tandem/deploy/salesforce"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// fieldSecurity is the integration user's field-level security: an
// API-only integration user gets field access only from its permission
// sets (salesforce.md §11). Other users see and edit every field.
type fieldSecurity struct {
	user   string                         // the integration user's id
	access map[string]shipped.FieldAccess // lower-cased "Object.Field"
}

func newFieldSecurity(cfg Config, user string) (*fieldSecurity, error) {
	if !cfg.FieldSecurity {
		return nil, nil
	}
	perms := cfg.FieldPermissions
	if perms == nil {
		var err error
		if perms, err = shipped.FieldPermissions(shipped.IntegrationPermissionSet); err != nil {
			return nil, fmt.Errorf("sandbox: field-level security: %w", err)
		}
	}
	fs := &fieldSecurity{user: user, access: map[string]shipped.FieldAccess{}}
	for name, a := range perms {
		fs.access[strings.ToLower(name)] = a
	}
	return fs, nil
}

// lookup finds the grant of a permissionable field; custom fields of
// Task and Event are granted as Activity fields.
func (fs *fieldSecurity) lookup(o *schema.Object, f *schema.Field) (shipped.FieldAccess, bool) {
	if !o.Permissionable(f) {
		return shipped.FieldAccess{Readable: true, Editable: true}, true
	}
	object := o.Name
	if f.Custom() && (object == "Task" || object == "Event") {
		object = "Activity"
	}
	a, ok := fs.access[strings.ToLower(object+"."+f.Name)]
	return a, ok
}

// canRead reports whether user may read the field.
func (fs *fieldSecurity) canRead(user string, o *schema.Object, f *schema.Field) bool {
	if fs == nil || user != fs.user {
		return true
	}
	a, _ := fs.lookup(o, f)
	return a.Readable
}

// canEdit reports whether user may write the field (createable and
// updateable still apply).
func (fs *fieldSecurity) canEdit(user string, o *schema.Object, f *schema.Field) bool {
	if fs == nil || user != fs.user {
		return true
	}
	a, _ := fs.lookup(o, f)
	return a.Editable
}

// readable is canRead by object name, for SOQL.
func (fs *fieldSecurity) readable(user string) func(*schema.Object, *schema.Field) bool {
	if fs == nil || user != fs.user {
		return nil
	}
	return func(o *schema.Object, f *schema.Field) bool { return fs.canRead(user, o, f) }
}

// visibleFields lists the fields of o that user can read; nil (all) when
// field-level security does not apply.
func (s *Server) visibleFields(user string, o *schema.Object) []*schema.Field {
	if s.fls == nil || user != s.fls.user {
		return nil
	}
	var out []*schema.Field
	for _, f := range o.Fields {
		if s.fls.canRead(user, o, f) {
			out = append(out, f)
		}
	}
	return out
}
