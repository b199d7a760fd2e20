package main

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/jsonschema/v6"
)

// TestJSONSchemasAreValid: every api/schemas file is a valid JSON Schema
// 2020-12 (checked against the meta-schema when compiled).
func TestJSONSchemasAreValid(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(moduleRoot(t), "api", "schemas", "*.schema.json"))
	if len(files) < 3 {
		t.Fatalf("api/schemas holds %d schemas", len(files))
	}
	for _, f := range files {
		if sch := compileSchema(t, f); sch.DraftVersion != 2020 {
			t.Errorf("%s is draft %d, want 2020-12", filepath.Base(f), sch.DraftVersion)
		}
	}
}

// TestEventsSchemaAcceptsRealCaptures: the CometD-shaped events captured
// from real orgs validate; captures in other shapes (a Kafka connector's
// record, a Pub/Sub API decode) do not, as Tandem refuses them too.
func TestEventsSchemaAcceptsRealCaptures(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t, filepath.Join(moduleRoot(t), "api", "schemas", "salesforce-events.schema.json"))
	fixtures := filepath.Join(moduleRoot(t), "..", "shared", "fixtures", "salesforce")
	for file, valid := range map[string]bool{
		"cdc/cdc-cometd-create-distributor.mohan-chinnappan-n5.json":                            true,
		"cdc/cdc-cometd-update-distributor.mohan-chinnappan-n5.json":                            true,
		"platform-event/pe-cometd-fulfillmentorderstatuschanged.salesforce-inspector-fork.json": true,
		"cdc/cdc-contact-create-rest-client-sfdx.kafka-connect-payload.vdesabou.json":           false,
		"cdc/cdc-pubsub-decoded-account-update-bitmap.flask-app.json":                           false,
	} {
		b, err := os.ReadFile(filepath.Join(fixtures, file))
		if err != nil {
			t.Fatalf("fixture (../shared/fixtures must exist): %v", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := sch.Validate(doc); (err == nil) != valid {
			t.Errorf("%s: valid=%v, want %v: %v", file, err == nil, valid, err)
		}
	}
}

func TestNetSuiteSchemaMatchesTheContract(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t, filepath.Join(moduleRoot(t), "api", "schemas", "netsuite-webhook.schema.json"))
	good := `{"eventId":"1234567_SB1:customer:1207:edit:2026-11-27T10:00:00Z","accountId":"1234567_SB1","recordType":"customer",` +
		`"recordId":"1207","eventType":"edit","lastModifiedDate":"2026-11-27T10:00:00Z","executionContext":"USERINTERFACE","userId":"-5","roleId":"3","fields":{"companyname":"Acme"}}`
	for body, valid := range map[string]bool{
		good: true,
		strings.Replace(good, `"edit","lastModified`, `"touch","lastModified`, 1):                               false,
		strings.Replace(good, `"recordId":"1207"`, `"recordId":"twelve"`, 1):                                    false,
		strings.Replace(good, `"lastModifiedDate":"2026-11-27T10:00:00Z"`, `"lastModifiedDate":"yesterday"`, 1): false,
		strings.Replace(good, `"executionContext":"USERINTERFACE",`, ``, 1):                                     false,
	} {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); (err == nil) != valid {
			t.Errorf("valid=%v, want %v: %s: %v", err == nil, valid, body, err)
		}
	}
}

func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", filepath.Base(path), err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "file://" + filepath.ToSlash(path)
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("%s is not a valid JSON Schema: %v", filepath.Base(path), err)
	}
	return sch
}

// TestWSDLsNameTheFieldsSalesforceSends: each Outbound Message WSDL
// describes exactly the fields its shipped outbound message sends
// (deploy/salesforce workflows), under the object's name.
func TestWSDLsNameTheFieldsSalesforceSends(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	for wsdl, object := range map[string]string{
		"Tandem_Opportunity_Won.wsdl": "Opportunity",
		"Tandem_Account_Changed.wsdl": "Account",
		"Tandem_Contact_Changed.wsdl": "Contact",
	} {
		got := wsdlFields(t, filepath.Join(root, "api", "wsdl", wsdl), object)
		var workflow struct {
			Fields []string `xml:"outboundMessages>fields"`
		}
		readXML(t, filepath.Join(root, "deploy", "salesforce", "force-app", "main", "default", "workflows", object+".workflow-meta.xml"), &workflow)
		want := slices.DeleteFunc(workflow.Fields, func(f string) bool { return f == "Id" }) // Id is in the base sObject
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: fields %v, the workflow sends %v", wsdl, got, want)
		}
	}
}

// wsdlFields returns the element names of the object's complex type,
// checking that they are in Salesforce's (alphabetical) order.
func wsdlFields(t *testing.T, path, object string) []string {
	t.Helper()
	var defs struct {
		Schemas []struct {
			Types []struct {
				Name     string `xml:"name,attr"`
				Elements []struct {
					Name string `xml:"name,attr"`
				} `xml:"complexContent>extension>sequence>element"`
			} `xml:"complexType"`
		} `xml:"types>schema"`
	}
	readXML(t, path, &defs)
	for _, s := range defs.Schemas {
		for _, ct := range s.Types {
			if ct.Name != object {
				continue
			}
			var names []string
			for _, e := range ct.Elements {
				names = append(names, e.Name)
			}
			if !slices.IsSorted(names) {
				t.Errorf("%s: fields not in Salesforce's alphabetical order: %v", filepath.Base(path), names)
			}
			return names
		}
	}
	t.Fatalf("%s has no complexType %s", filepath.Base(path), object)
	return nil
}

func readXML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
}
