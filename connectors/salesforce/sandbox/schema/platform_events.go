package schema

import (
	"io/fs"
	"path"
	"strconv"
	"strings"

	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
)

// platformEventSuffix ends a platform event's API name (Tandem_Sync__e).
const platformEventSuffix = "__e"

// platformEventPrefixBase numbers platform events' ids (the ids a publish
// answers with): e00, e01, … in name order.
const platformEventPrefixBase = "e0"

// PlatformEvents are the platform events Tandem ships
// (objects/<Name>__e): published over REST, never stored, so they live
// apart from the objects SOQL and describe see. Their fields: CreatedDate,
// CreatedById and EventUuid set on publish, then the custom fields.
func PlatformEvents() *Schema {
	events, err := platformEventsFrom(shipped.Objects, shipped.ObjectsDir)
	if err != nil {
		panic("salesforce sandbox schema: the shipped platform events: " + err.Error()) // embedded: a broken file fails every test
	}
	return New(events...)
}

func platformEventsFrom(fsys fs.FS, root string) ([]*Object, error) {
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, err
	}
	var out []*Object
	for _, d := range dirs {
		name := d.Name()
		if !strings.HasSuffix(name, platformEventSuffix) {
			continue
		}
		var meta metaObject
		if err := readXML(fsys, path.Join(root, name, name+".object-meta.xml"), &meta); err != nil {
			return nil, err
		}
		o := object(name, meta.Label, meta.PluralLabel, platformEventPrefixBase+strconv.Itoa(len(out)), list(
			field("CreatedDate", "Created Date", DateTime).readOnly(),
			ref("CreatedById", "Created By ID", "CreatedBy", "User").readOnly(),
			text("EventUuid", "Event UUID", 36).readOnly(),
		))
		fields, err := customFields(fsys, root, name)
		if err != nil {
			return nil, err
		}
		o.Fields = append(o.Fields, fields...)
		out = append(out, o)
	}
	return out, nil
}
