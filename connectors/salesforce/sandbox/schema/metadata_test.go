package schema

import (
	"io/fs"
	"path"
	"strings"
	"testing"

	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
)

// Every field the shipped metadata defines is in the sandbox org, as the
// metadata says, and the custom objects' lookups are walkable both ways.
func TestTheSchemaHasTheShippedMetadata(t *testing.T) {
	s, events := Default(), PlatformEvents()
	n := 0
	err := fs.WalkDir(shipped.Objects, shipped.ObjectsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".field-meta.xml") {
			return err
		}
		n++
		var m metaField
		if err := readXML(shipped.Objects, p, &m); err != nil {
			return err
		}
		objectName := path.Base(path.Dir(path.Dir(p)))
		if objectName == activityObject {
			objectName = "Task"
		}
		o, ok := s.Object(objectName)
		if strings.HasSuffix(objectName, platformEventSuffix) {
			o, ok = events.Object(objectName) // published, never stored: apart from the objects
		}
		if !ok {
			t.Errorf("%s: object %s missing", p, objectName)
			return nil
		}
		f, ok := o.Field(m.FullName)
		switch {
		case !ok:
			t.Errorf("%s.%s missing", objectName, m.FullName)
		case objectName == "Contact" && m.FullName == "NetSuite_Id__c" && f.Unique:
			t.Errorf("Contact.NetSuite_Id__c should stay non-unique in the sandbox")
		case f.ExternalID != m.ExternalID || f.Unique != m.Unique && objectName != "Contact" || f.Label != m.Label ||
			m.Type == "Text" && f.Length != m.Length:
			t.Errorf("%s.%s: %+v, metadata %+v", objectName, m.FullName, f, m)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walking the metadata: %v (%d fields)", err, n)
	}
	inv, ok := s.Object("NetSuite_Invoice__c")
	if !ok || !strings.HasPrefix(inv.KeyPrefix, "a0") {
		t.Fatalf("NetSuite_Invoice__c: %v", inv)
	}
	if f, ok := inv.Parent("Account__r"); !ok || f.Name != "Account__c" || f.ReferenceTo[0] != "Account" {
		t.Errorf("Account__r: %+v", f)
	}
	if _, ok := inv.Field("Name"); !ok {
		t.Error("NetSuite_Invoice__c has no Name")
	}
	account, _ := s.Object("Account")
	if c, ok := account.Child("NetSuite_Invoices__r"); !ok || c.Object != "NetSuite_Invoice__c" || c.Field != "Account__c" {
		t.Errorf("Account.NetSuite_Invoices__r: %+v", c)
	}
}
