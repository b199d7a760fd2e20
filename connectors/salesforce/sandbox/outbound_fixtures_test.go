package sandbox

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// xmlShape lists an XML document's structure in document order: one line
// per distinct element path
// with its namespace URIs and its attributes (namespace-qualified, with
// QName values resolved), ignoring text and which prefixes were chosen.
// The children of sObject are folded into one "{ns}*" entry since each
// message selects its own fields.
func xmlShape(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var path []string
	var scopes []map[string]string // prefix → namespace declared on each open element
	seen := map[string]bool{}
	var lines []string
	for {
		tok, err := dec.RawToken() // raw: keeps prefixes so QName values can be resolved
		if err != nil {
			break
		}
		switch el := tok.(type) {
		case xml.StartElement:
			scope := map[string]string{}
			for _, a := range el.Attr {
				switch {
				case a.Name.Space == "xmlns":
					scope[a.Name.Local] = a.Value
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					scope[""] = a.Value
				}
			}
			scopes = append(scopes, scope)
			resolve := func(prefix string) string {
				for i := len(scopes) - 1; i >= 0; i-- {
					if ns, ok := scopes[i][prefix]; ok {
						return ns
					}
				}
				return "?" + prefix
			}
			name := "{" + resolve(el.Name.Space) + "}" + el.Name.Local
			if len(path) > 0 && strings.HasSuffix(path[len(path)-1], "}sObject") {
				name = "{" + resolve(el.Name.Space) + "}*"
			}
			path = append(path, name)
			line := strings.Join(path, "/")
			var attrs []string
			for _, a := range el.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				value := a.Value
				if prefix, _, ok := strings.Cut(a.Value, ":"); ok && a.Name.Local == "type" {
					value = "{" + resolve(prefix) + "}<object>" // a QName: its prefix must name the sObject namespace
				}
				attrs = append(attrs, "@{"+resolve(a.Name.Space)+"}"+a.Name.Local+"="+value)
			}
			slices.Sort(attrs)
			if entry := line + " " + strings.Join(attrs, " "); !seen[entry] {
				seen[entry] = true
				lines = append(lines, entry)
			}
		case xml.EndElement:
			path, scopes = path[:len(path)-1], scopes[:len(scopes)-1]
		}
	}
	return lines
}

// TestEnvelopeMatchesCapturedMessages compares the structure of the
// sandbox's Outbound Messages with real ones captured from Salesforce.
func TestEnvelopeMatchesCapturedMessages(t *testing.T) {
	dir := filepath.Join(fixturesDir(t), "salesforce", "outbound-message")
	files, err := filepath.Glob(filepath.Join(dir, "om-*.xml"))
	if err != nil || len(files) < 4 {
		t.Fatalf("captured messages: %v %v", files, err)
	}
	s, err := New(Config{BaseURL: "https://tandem.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ours := map[bool][]byte{} // session sent → envelope
	for _, withSession := range []bool{false, true} {
		rules, err := compileRules(s.schema, []OutboundRule{{Object: "Account", Fields: []string{"Name"}, SendSessionID: withSession}})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := s.Query("SELECT Id FROM Account LIMIT 1")
		ours[withSession] = s.envelope(rules[0], []*notification{{id: "04l5e0000000001AAA", recordID: id[0]["Id"].(string)}})
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			captured, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var m soapMessage
			if err := xml.Unmarshal(captured, &m); err != nil || len(m.Body.Notifications.Notification) == 0 {
				t.Fatalf("the test's own decoder cannot read the capture: %v", err)
			}
			mine := ours[m.Body.Notifications.SessionID.Nil == ""]
			want, got := strings.Join(xmlShape(t, captured), "\n"), strings.Join(xmlShape(t, mine), "\n")
			if got != want {
				t.Fatalf("structure differs from the capture\nours:\n%s\n\ncaptured:\n%s\n\nour message:\n%s", got, want, mine)
			}
			if !bytes.HasPrefix(mine, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
				t.Error("prolog")
			}
		})
	}
}

// TestValueFormatsMatchCapture checks our value forms against the real
// sandbox capture with IsWon, Amount, dates and datetimes.
func TestValueFormatsMatchCapture(t *testing.T) {
	captured, err := os.ReadFile(filepath.Join(fixturesDir(t), "salesforce", "outbound-message", "om-opportunity-sandbox-full-fields.phoenix-blog.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var real soapMessage
	if err := xml.Unmarshal(captured, &real); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{BaseURL: "https://tandem.example"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all := DefaultOutboundRules()
	opportunity := slices.IndexFunc(all, func(r OutboundRule) bool { return r.Object == "Opportunity" })
	rules, _ := compileRules(s.schema, all[opportunity:opportunity+1])
	id, _ := s.Query("SELECT Id FROM Opportunity WHERE Amount != null LIMIT 1")
	var ours soapMessage
	if err := xml.Unmarshal(s.envelope(rules[0], []*notification{{id: "04l5e0000000001AAA", recordID: id[0]["Id"].(string)}}), &ours); err != nil {
		t.Fatal(err)
	}
	realFields, ourFields := sObjectFields(t, real, 0), sObjectFields(t, ours, 0)
	forms := map[string]*regexp.Regexp{
		"Id": idForm, "AccountId": idForm, "Amount": decimalForm, "CloseDate": dateForm,
		"IsWon": boolForm, "IsClosed": boolForm, "LastModifiedDate": dateTimeForm, "SystemModstamp": dateTimeForm,
	}
	for name, form := range forms {
		if !form.MatchString(realFields[name]) || !form.MatchString(ourFields[name]) {
			t.Errorf("%s: ours %q, captured %q, want both to match %s", name, ourFields[name], realFields[name], form)
		}
	}
	var order []string
	for _, f := range ours.Body.Notifications.Notification[0].SObject.Fields {
		order = append(order, f.XMLName.Local)
	}
	if order[0] != "Id" || !slices.IsSortedFunc(order[1:], func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("field order %v: Salesforce writes Id, then the fields by name", order)
	}
}

// Value forms of Outbound Message fields.
var (
	idForm       = regexp.MustCompile(`^[0-9A-Za-z]{18}$`)
	decimalForm  = regexp.MustCompile(`^-?\d+\.\d+(E-?\d+)?$`)
	dateForm     = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
	dateTimeForm = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	boolForm     = regexp.MustCompile(`^(true|false)$`)
)

func TestAckParsing(t *testing.T) {
	dir := filepath.Join(fixturesDir(t), "salesforce", "outbound-message")
	for _, name := range []string{"ack-true.abrarsheikhsony-readme.xml", "ack-true-prefixed.jeffdonthemic-obm-catcher.xml"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !isAck(data) {
			t.Errorf("%s is a real ACK", name)
		}
		if isAck(bytes.Replace(data, []byte("true"), []byte("false"), 1)) {
			t.Errorf("%s with Ack false accepted", name)
		}
	}
	for _, nack := range []string{"", "OK", "<Ack>true</Ack>", `<notificationsResponse xmlns="` + nsOutbound + `"><Ack>true</Ack></notificationsResponse>`} {
		if isAck([]byte(nack)) {
			t.Errorf("%q accepted as an ACK", nack)
		}
	}
}
