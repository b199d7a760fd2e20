package deploy

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

const (
	metadataNamespace = "http://soap.sforce.com/2006/04/metadata"
	sfAPIVersion      = "62.0"

	fieldSuffix         = ".field-meta.xml"
	workflowSuffix      = ".workflow-meta.xml"
	flowSuffix          = ".flow-meta.xml"
	channelMemberSuffix = ".platformEventChannelMember-meta.xml"
)

var sourceDir = filepath.Join(salesforceDir, "force-app", "main", "default")

// sfdxKinds maps a source file suffix to its metadata root element and the
// folder the sf CLI expects it in.
var sfdxKinds = map[string]struct{ root, folder string }{
	fieldSuffix:                    {"CustomField", "fields"},
	".object-meta.xml":             {"CustomObject", ""},
	workflowSuffix:                 {"Workflow", "workflows"},
	flowSuffix:                     {"Flow", "flows"},
	".permissionset-meta.xml":      {"PermissionSet", "permissionsets"},
	channelMemberSuffix:            {"PlatformEventChannelMember", "platformEventChannelMembers"},
	".namedCredential-meta.xml":    {"NamedCredential", "namedCredentials"},
	".externalCredential-meta.xml": {"ExternalCredential", "externalCredentials"},
}

// sfdxFiles maps each metadata file under force-app to its suffix.
func sfdxFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(sourceDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		for suffix := range sfdxKinds {
			if strings.HasSuffix(path, suffix) {
				files[path] = suffix
				return nil
			}
		}
		t.Errorf("%s is not a metadata type Tandem ships", path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sfdxFilesOf lists the metadata files with the given suffix.
func sfdxFilesOf(t *testing.T, suffix string) []string {
	t.Helper()
	var paths []string
	for path, s := range sfdxFiles(t) {
		if s == suffix {
			paths = append(paths, path)
		}
	}
	return paths
}

func decodeXML[T any](t *testing.T, path string) T {
	t.Helper()
	var v T
	if err := xml.Unmarshal(readFile(t, path), &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func TestSFDXFilesAreWellFormedWithTheRightRoot(t *testing.T) {
	files := sfdxFiles(t)
	if len(files) == 0 {
		t.Fatal("no metadata files")
	}
	for path, suffix := range files {
		kind := sfdxKinds[suffix]
		root := decodeXML[struct {
			XMLName    xml.Name
			APIVersion []string `xml:"apiVersion"`
		}](t, path)
		if root.XMLName.Local != kind.root || root.XMLName.Space != metadataNamespace {
			t.Errorf("%s: root {%s}%s, want {%s}%s", path, root.XMLName.Space, root.XMLName.Local, metadataNamespace, kind.root)
		}
		rootElement(t, path) // the whole file is well-formed
		if kind.folder != "" && filepath.Base(filepath.Dir(path)) != kind.folder {
			t.Errorf("%s is not in a %s/ folder", path, kind.folder)
		}
		for _, v := range root.APIVersion {
			if v != sfAPIVersion {
				t.Errorf("%s: apiVersion %s, want %s", path, v, sfAPIVersion)
			}
		}
	}
}

func TestSFDXProjectUsesAPIVersion62(t *testing.T) {
	var p struct {
		PackageDirectories []struct {
			Path    string `json:"path"`
			Default bool   `json:"default"`
		} `json:"packageDirectories"`
		SourceAPIVersion string `json:"sourceApiVersion"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(salesforceDir, "sfdx-project.json")), &p); err != nil {
		t.Fatal(err)
	}
	if p.SourceAPIVersion != sfAPIVersion || len(p.PackageDirectories) != 1 || p.PackageDirectories[0].Path != "force-app" || !p.PackageDirectories[0].Default {
		t.Errorf("sfdx-project.json: %+v", p)
	}
}

type customField struct {
	FullName    string `xml:"fullName"`
	Type        string `xml:"type"`
	Length      int    `xml:"length"`
	ExternalID  bool   `xml:"externalId"`
	Unique      bool   `xml:"unique"`
	ReferenceTo string `xml:"referenceTo"`
}

// fields reads every custom field, keyed Object.Field.
func fields(t *testing.T) map[string]customField {
	t.Helper()
	out := map[string]customField{}
	for _, path := range sfdxFilesOf(t, fieldSuffix) {
		f := decodeXML[customField](t, path)
		object := filepath.Base(filepath.Dir(filepath.Dir(path)))
		if name := strings.TrimSuffix(filepath.Base(path), fieldSuffix); f.FullName != name {
			t.Errorf("%s: fullName %q, want %q", path, f.FullName, name)
		}
		out[object+"."+f.FullName] = f
	}
	return out
}

func TestTheFieldsTandemUsesExist(t *testing.T) {
	crosswalk := customField{Type: "Text", Length: 32, ExternalID: true, Unique: true}
	want := map[string]customField{
		"Account.NetSuite_Id__c":                     crosswalk,
		"Account.Credit_Hold__c":                     {Type: "Checkbox"},
		"Account.Credit_Hold_Reason__c":              {Type: "Text"},
		"Activity.Tandem_Key__c":                     {Type: "Text"},
		"Account.Overdue_Balance__c":                 {Type: "Currency"},
		"Account.NetSuite_Last_Sync__c":              {Type: "DateTime"},
		"Contact.NetSuite_Id__c":                     crosswalk,
		"Opportunity.NetSuite_Sales_Order_Id__c":     crosswalk,
		"Opportunity.NetSuite_Sales_Order_Number__c": {Type: "Text"},
		"Opportunity.NetSuite_Sales_Order_Status__c": {Type: "Text"},
		"Opportunity.NetSuite_Ordered__c":            {Type: "Currency"},
		"Opportunity.NetSuite_Billed__c":             {Type: "Currency"},
		"Opportunity.NetSuite_Paid__c":               {Type: "Currency"},
		"Opportunity.NetSuite_Recognised__c":         {Type: "Currency"},
		"Opportunity.Booking_Gap__c":                 {Type: "Currency"},
		"Opportunity.NetSuite_Last_Reconciled__c":    {Type: "DateTime"},
		"Product2.NetSuite_Item_Id__c":               crosswalk,
		"NetSuite_Invoice__c.NetSuite_Id__c":         crosswalk,
		"NetSuite_Invoice__c.Account__c":             {Type: "Lookup", ReferenceTo: "Account"},
		"NetSuite_Invoice__c.Opportunity__c":         {Type: "Lookup", ReferenceTo: "Opportunity"},
		"NetSuite_Invoice__c.Number__c":              {Type: "Text"},
		"NetSuite_Invoice__c.Status__c":              {Type: "Text"},
		"NetSuite_Invoice__c.Total__c":               {Type: "Currency"},
		"NetSuite_Invoice__c.Amount_Remaining__c":    {Type: "Currency"},
		"NetSuite_Invoice__c.Due_Date__c":            {Type: "Date"},
		"NetSuite_Invoice__c.Days_Overdue__c":        {Type: "Number"},
		"Onboarding__c.NetSuite_Customer_Id__c":      crosswalk,
		"Onboarding__c.Account__c":                   {Type: "Lookup", ReferenceTo: "Account"},
		"Onboarding__c.Opportunity__c":               {Type: "Lookup", ReferenceTo: "Opportunity"},
		"Onboarding__c.Manager__c":                   {Type: "Lookup", ReferenceTo: "User"},
		"Onboarding__c.Status__c":                    {Type: "Picklist"},
		"Onboarding__c.Start_Date__c":                {Type: "Date"},
		"Onboarding__c.Assigned_By__c":               {Type: "Text"},
	}
	have := fields(t)
	for name, w := range want {
		h, ok := have[name]
		if !ok {
			t.Errorf("field %s is missing", name)
			continue
		}
		h.FullName = ""
		if w.Length == 0 && w.Type == "Text" {
			h.Length = 0
		}
		if h != w {
			t.Errorf("%s: %+v, want %+v", name, h, w)
		}
	}
	for _, object := range []string{"NetSuite_Invoice__c", "Onboarding__c"} {
		if _, err := os.Stat(filepath.Join(sourceDir, "objects", object, object+".object-meta.xml")); err != nil {
			t.Errorf("custom object %s: %v", object, err)
		}
	}
}

type outboundMessage struct {
	FullName         string   `xml:"fullName"`
	EndpointURL      string   `xml:"endpointUrl"`
	Fields           []string `xml:"fields"`
	IncludeSessionID bool     `xml:"includeSessionId"`
	IntegrationUser  string   `xml:"integrationUser"`
}

// outboundMessages reads every Outbound Message, keyed Object.Name.
func outboundMessages(t *testing.T) map[string]outboundMessage {
	t.Helper()
	out := map[string]outboundMessage{}
	for _, path := range sfdxFilesOf(t, workflowSuffix) {
		object := strings.TrimSuffix(filepath.Base(path), workflowSuffix)
		wf := decodeXML[struct {
			OutboundMessages []outboundMessage `xml:"outboundMessages"`
		}](t, path)
		for _, om := range wf.OutboundMessages {
			out[object+"."+om.FullName] = om
		}
	}
	return out
}

func TestOutboundMessagesReachTandem(t *testing.T) {
	oms := outboundMessages(t)
	have := fields(t)
	objects := map[string]bool{}
	for name, om := range oms {
		object, _, _ := strings.Cut(name, ".")
		objects[object] = true
		u, err := url.Parse(om.EndpointURL)
		if err != nil || u.Scheme != "https" || u.Path != "/webhooks/salesforce/outbound" || u.Query().Get("token") == "" {
			t.Errorf("%s: endpoint %q, want https://<tandem>/webhooks/salesforce/outbound?token=…", name, om.EndpointURL)
		}
		if om.IncludeSessionID || om.IntegrationUser == "" {
			t.Errorf("%s: want includeSessionId false and an integration user", name)
		}
		for _, f := range []string{"Id", "LastModifiedDate"} {
			if !slices.Contains(om.Fields, f) {
				t.Errorf("%s does not send %s", name, f)
			}
		}
		for _, f := range om.Fields {
			if _, ok := have[object+"."+f]; strings.HasSuffix(f, "__c") && !ok {
				t.Errorf("%s sends %s, which no field file defines", name, f)
			}
		}
	}
	expectAll(t, objects, []string{"Opportunity", "Account", "Contact"}, "no Outbound Message for %s")
}

type flow struct {
	ActionCalls []struct {
		ActionName string `xml:"actionName"`
		ActionType string `xml:"actionType"`
	} `xml:"actionCalls"`
	Start struct {
		Object            string `xml:"object"`
		TriggerType       string `xml:"triggerType"`
		RecordTriggerType string `xml:"recordTriggerType"`
		Filters           []struct {
			Field    string `xml:"field"`
			Operator string `xml:"operator"`
			Boolean  string `xml:"value>booleanValue"`
		} `xml:"filters"`
	} `xml:"start"`
	Status string `xml:"status"`
}

// Each record-triggered flow sends one of the shipped Outbound Messages;
// the opportunity one only for won opportunities.
func TestFlowsFireTheOutboundMessages(t *testing.T) {
	oms := outboundMessages(t)
	fired := map[string]bool{}
	for _, path := range sfdxFilesOf(t, flowSuffix) {
		f := decodeXML[flow](t, path)
		if f.Start.TriggerType != "RecordAfterSave" || f.Status != "Active" {
			t.Errorf("%s: trigger %q status %q, want an active after-save flow", path, f.Start.TriggerType, f.Status)
		}
		for _, call := range f.ActionCalls {
			object, _, _ := strings.Cut(call.ActionName, ".")
			if _, ok := oms[call.ActionName]; call.ActionType != "outboundMessage" || !ok || object != f.Start.Object {
				t.Errorf("%s: action %s %q is not an Outbound Message on %s", path, call.ActionType, call.ActionName, f.Start.Object)
			}
			fired[call.ActionName] = true
		}
		if f.Start.Object == "Opportunity" {
			if len(f.Start.Filters) != 1 || f.Start.Filters[0].Field != "IsWon" || f.Start.Filters[0].Boolean != "true" {
				t.Errorf("%s: want the flow filtered on IsWon = true, got %+v", path, f.Start.Filters)
			}
		}
	}
	for name := range oms {
		if !fired[name] {
			t.Errorf("no flow sends Outbound Message %s", name)
		}
	}
}

func TestChangeDataCaptureSelectsAccountsAndContacts(t *testing.T) {
	selected := map[string]bool{}
	for _, path := range sfdxFilesOf(t, channelMemberSuffix) {
		m := decodeXML[struct {
			EventChannel   string `xml:"eventChannel"`
			SelectedEntity string `xml:"selectedEntity"`
		}](t, path)
		if name := strings.TrimSuffix(filepath.Base(path), channelMemberSuffix); name != m.EventChannel+"_"+m.SelectedEntity {
			t.Errorf("%s: file name must be %s_%s", path, m.EventChannel, m.SelectedEntity)
		}
		if m.EventChannel == "ChangeEvents" {
			selected[m.SelectedEntity] = true
		}
	}
	expectAll(t, selected, []string{"AccountChangeEvent", "ContactChangeEvent"}, "%s is not selected on ChangeEvents")
}

// expectAll reports each wanted name missing from have, with format.
func expectAll(t *testing.T, have map[string]bool, want []string, format string) {
	t.Helper()
	for _, name := range want {
		if !have[name] {
			t.Errorf(format, name)
		}
	}
}

type permissionSet struct {
	FieldPermissions []struct {
		Field    string `xml:"field"`
		Editable bool   `xml:"editable"`
		Readable bool   `xml:"readable"`
	} `xml:"fieldPermissions"`
	ObjectPermissions []struct {
		Object      string `xml:"object"`
		AllowCreate bool   `xml:"allowCreate"`
		AllowEdit   bool   `xml:"allowEdit"`
		AllowRead   bool   `xml:"allowRead"`
	} `xml:"objectPermissions"`
	PrincipalAccesses []struct {
		Principal string `xml:"externalCredentialPrincipal"`
		Enabled   bool   `xml:"enabled"`
	} `xml:"externalCredentialPrincipalAccesses"`
}

func permissionSetFile(t *testing.T, name string) permissionSet {
	t.Helper()
	return decodeXML[permissionSet](t, filepath.Join(sourceDir, "permissionsets", name+".permissionset-meta.xml"))
}

// The integration user can read and write every field Tandem ships, and
// the invoice object.
func TestIntegrationPermissionSetCoversTandemsFields(t *testing.T) {
	ps := permissionSetFile(t, "Tandem_Integration")
	granted := map[string]bool{}
	for _, fp := range ps.FieldPermissions {
		granted[fp.Field] = fp.Readable && fp.Editable
	}
	have := fields(t)
	for name := range have {
		if strings.Contains(name, "__e.") {
			continue // platform event fields have no field-level security: the object grants them
		}
		if !granted[name] {
			t.Errorf("Tandem_Integration does not grant read/edit on %s", name)
		}
	}
	org := schema.Default()
	for _, fp := range ps.FieldPermissions {
		if _, ok := have[fp.Field]; ok {
			continue
		}
		// A standard field: it must exist and be one field-level security
		// applies to; Salesforce refuses to deploy a grant on a required or
		// system field ("You cannot deploy to a required field").
		object, field, _ := strings.Cut(fp.Field, ".")
		o, ok := org.Object(object)
		var f *schema.Field
		if ok {
			f, ok = o.Field(field)
		}
		switch {
		case !ok || f.Custom():
			t.Errorf("Tandem_Integration grants %s, which neither a field file nor the standard objects define", fp.Field)
		case !o.Permissionable(f):
			t.Errorf("Tandem_Integration grants %s, which is required or a system field: Salesforce refuses the deploy", fp.Field)
		case fp.Editable && !f.Createable && !f.Updateable:
			t.Errorf("Tandem_Integration grants edit on %s, which is read-only", fp.Field)
		}
	}
	invoices := false
	for _, op := range ps.ObjectPermissions {
		invoices = invoices || (op.Object == "NetSuite_Invoice__c" && op.AllowCreate && op.AllowEdit && op.AllowRead)
	}
	if !invoices {
		t.Error("Tandem_Integration cannot create and edit NetSuite_Invoice__c")
	}
	onboarding := false
	for _, op := range ps.ObjectPermissions {
		onboarding = onboarding || (op.Object == "Onboarding__c" && op.AllowCreate && op.AllowEdit && op.AllowRead)
	}
	if !onboarding {
		t.Error("Tandem_Integration cannot create and edit Onboarding__c")
	}
}

// The named credential authenticates through the external credential, whose
// principal the callout permission set grants.
func TestNamedCredentialWiring(t *testing.T) {
	nc := decodeXML[struct {
		Type       string `xml:"namedCredentialType"`
		Parameters []struct {
			Name               string `xml:"parameterName"`
			Type               string `xml:"parameterType"`
			Value              string `xml:"parameterValue"`
			ExternalCredential string `xml:"externalCredential"`
		} `xml:"namedCredentialParameters"`
	}](t, filepath.Join(sourceDir, "namedCredentials", "Tandem.namedCredential-meta.xml"))
	ec := decodeXML[struct {
		Parameters []struct {
			Name string `xml:"parameterName"`
			Type string `xml:"parameterType"`
		} `xml:"externalCredentialParameters"`
	}](t, filepath.Join(sourceDir, "externalCredentials", "Tandem.externalCredential-meta.xml"))
	if nc.Type != "SecuredEndpoint" {
		t.Errorf("named credential type %q, want SecuredEndpoint", nc.Type)
	}
	var ecName string
	for _, p := range nc.Parameters {
		if u, err := url.Parse(p.Value); p.Type == "Url" && (err != nil || u.Scheme != "https") {
			t.Errorf("named credential URL %q is not https", p.Value)
		}
		if p.Type == "Authentication" {
			ecName = p.ExternalCredential
		}
	}
	principals := map[string]bool{}
	for _, p := range ec.Parameters {
		if p.Type == "NamedPrincipal" {
			principals[ecName+"-"+p.Name] = true
		}
	}
	accesses := permissionSetFile(t, "Tandem_Callout").PrincipalAccesses
	if len(accesses) == 0 {
		t.Error("Tandem_Callout grants no external credential principal")
	}
	for _, a := range accesses {
		if !a.Enabled || !principals[a.Principal] {
			t.Errorf("Tandem_Callout grants principal %q; the external credential %q has %v", a.Principal, ecName, principals)
		}
	}
}
