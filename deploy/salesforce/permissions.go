package salesforce

import (
	"embed"
	"encoding/xml"
	"fmt"
	"path"
)

//go:embed force-app/main/default/permissionsets
var permissionSets embed.FS

// IntegrationPermissionSet is the permission set the integration user is
// given in a deployed org.
const IntegrationPermissionSet = "Tandem_Integration"

// FieldAccess is one fieldPermissions entry of a permission set.
type FieldAccess struct {
	Readable, Editable bool
}

// FieldPermissions reads the field permissions of a shipped permission
// set, keyed "Object.Field" as the file names them ("Activity.X" covers
// Task and Event).
func FieldPermissions(name string) (map[string]FieldAccess, error) {
	file := path.Join("force-app/main/default/permissionsets", name+".permissionset-meta.xml")
	data, err := permissionSets.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read permission set %s: %w", name, err)
	}
	var ps struct {
		FieldPermissions []struct {
			Field    string `xml:"field"`
			Editable bool   `xml:"editable"`
			Readable bool   `xml:"readable"`
		} `xml:"fieldPermissions"`
	}
	if err := xml.Unmarshal(data, &ps); err != nil {
		return nil, fmt.Errorf("parse permission set %s: %w", file, err)
	}
	out := map[string]FieldAccess{}
	for _, fp := range ps.FieldPermissions {
		// Edit access implies read access in Salesforce.
		out[fp.Field] = FieldAccess{Readable: fp.Readable || fp.Editable, Editable: fp.Editable}
	}
	return out, nil
}
