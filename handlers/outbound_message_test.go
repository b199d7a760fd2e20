package handlers

import (
	"errors"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "outbound", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sharedFixtures is ../shared/fixtures beside the module, joined with parts.
func sharedFixtures(t testing.TB, parts ...string) string { return testfixtures.Dir(t, parts...) }

func TestParseOutboundMessage(t *testing.T) {
	msg, err := ParseOutboundMessage(readTestdata(t, "opportunity-won.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if msg.OrganizationID != "00D5e000000TNDMEA4" || msg.ActionID != "04k5e000000TNDMAAW" || msg.SessionID != "" {
		t.Errorf("header fields wrong: %+v", msg)
	}
	if !strings.HasSuffix(msg.PartnerURL, "/services/Soap/u/62.0/00D5e000000TNDM") {
		t.Errorf("PartnerURL = %q", msg.PartnerURL)
	}
	if len(msg.Notifications) != 1 {
		t.Fatalf("got %d notifications", len(msg.Notifications))
	}
	n := msg.Notifications[0]
	if n.ID != "04l5e00000AbCdEAAV" || n.SObject.Type != "Opportunity" || n.SObject.ID != "0065e00000GkQ1xAAF" {
		t.Errorf("notification = %+v", n)
	}
	if v := n.SObject.Fields["Name"]; v == nil || *v != "Globex renewal 2027 & upsell" {
		t.Errorf("Name = %v (entities must be decoded)", v)
	}
	if v, ok := n.SObject.Fields["Description"]; !ok || v != nil {
		t.Errorf("xsi:nil field must be present as nil, got %v %v", v, ok)
	}
	if v := n.SObject.Fields["IsWon"]; v == nil || *v != "true" {
		t.Errorf("IsWon = %v", v)
	}
}

func TestParseOutboundMessagePrefixesAndBatches(t *testing.T) {
	msg, err := ParseOutboundMessage(readTestdata(t, "two-notifications-one-line.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if msg.SessionID == "" || len(msg.Notifications) != 2 {
		t.Fatalf("got %+v", msg)
	}
	if msg.Notifications[1].ID != "04l5e00000AbCdGAAV" || msg.Notifications[1].SObject.Type != "Opportunity" {
		t.Errorf("second notification = %+v", msg.Notifications[1])
	}
}

// TestParseRealCaptures parses every Outbound Message captured from real
// orgs in the shared fixtures.
func TestParseRealCaptures(t *testing.T) {
	dir := sharedFixtures(t, "salesforce", "outbound-message")
	tests := []struct {
		file, org, typ, id string
		notifications      int
		field, value       string
	}{
		{"om-opportunity-ap5.ejangi-hangouts-chat.xml", "00D7F00000107XsUAI", "Opportunity", "0067F000003pmdWQAQ", 1, "Amount", "120000.0"},
		{"om-opportunity-sandbox-full-fields.phoenix-blog.xml", "00D5w000004qGTOEA2", "Opportunity", "0065w000023STAmAAO", 1, "IsWon", "false"},
		{"om-account-billing.abrarsheikhsony-readme.xml", "ABC90000000gNcmEAE", "Account", "0019000001KwyWtAAJ", 1, "BillingCity", "San Francisco"},
		{"om-custom-object-cs15-with-sessionid.redhotpenguin-perl.xml", "00De0000000pmu1EAA", "State_Province__c", "a29e0000000K4P0AAK", 1, "Abbrev__c", "AR"},
		{"om-custom-object-2-notifications.redhotpenguin-perl-v0.03.xml", "00De0000000pmu1EAA", "State_Province__c", "a29e0000000K4P0AAK", 2, "Name", "Arkansas"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			msg, err := ParseOutboundMessage(b)
			if err != nil {
				t.Fatal(err)
			}
			if msg.OrganizationID != tt.org || len(msg.Notifications) != tt.notifications {
				t.Fatalf("org %q, %d notifications", msg.OrganizationID, len(msg.Notifications))
			}
			o := msg.Notifications[0].SObject
			if o.Type != tt.typ || o.ID != tt.id {
				t.Errorf("sObject %s %s", o.Type, o.ID)
			}
			if v := o.Fields[tt.field]; v == nil || *v != tt.value {
				t.Errorf("%s = %v", tt.field, v)
			}
		})
	}
}

func TestParseOutboundMessageRefuses(t *testing.T) {
	valid := string(readTestdata(t, "opportunity-won.xml"))
	many := strings.Repeat("<Notification><Id>04l000000000001</Id><sObject xsi:type=\"sf:Opportunity\" xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\"><sf:Id>006000000000001</sf:Id></sObject></Notification>", MaxNotifications+1)
	tests := []struct{ name, body, want string }{
		{"empty", "", "empty document"},
		{"not xml", "Content is not allowed in prolog", "text before the root element"},
		{"truncated", valid[:len(valid)/2], "unexpected EOF"},
		{"doctype", `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]>` + valid[strings.Index(valid, "<soapenv:Envelope"):], "DOCTYPE"},
		{"soap 1.2 envelope", strings.ReplaceAll(valid, "http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"), "want a SOAP 1.1 Envelope"},
		{"wrong namespace", strings.ReplaceAll(valid, "http://soap.sforce.com/2005/09/outbound", "urn:other"), "no notifications element"},
		{"no org", strings.Replace(valid, "<OrganizationId>00D5e000000TNDMEA4</OrganizationId>", "", 1), "OrganizationId is missing"},
		{"no notifications", strings.Replace(valid, valid[strings.Index(valid, "<Notification>"):strings.Index(valid, "</notifications>")], "", 1), "0 Notification elements"},
		{"too many", strings.Replace(valid, "</notifications>", many+"</notifications>", 1), "102 Notification elements, want 1 to 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseOutboundMessage([]byte(tt.body))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestParseOutboundMessageUnusableNotification: what makes one
// notification unusable is its Problem, not an error for the message.
func TestParseOutboundMessageUnusableNotification(t *testing.T) {
	valid := string(readTestdata(t, "opportunity-won.xml"))
	tests := []struct{ name, body, want string }{
		{"no notification id", strings.Replace(valid, "<Id>04l5e00000AbCdEAAV</Id>", "", 1), "Id is missing"},
		{"no record id", strings.Replace(valid, "<sf:Id>0065e00000GkQ1xAAF</sf:Id>", "", 1), "has no Id field"},
		{"no type", strings.Replace(valid, `xsi:type="sf:Opportunity"`, "", 1), "no xsi:type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := ParseOutboundMessage([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if p := msg.Notifications[0].Problem; !strings.Contains(p, tt.want) {
				t.Errorf("problem %q, want it to contain %q", p, tt.want)
			}
			compareWithReference(t, []byte(tt.body))
		})
	}
}

func FuzzParseOutboundMessage(f *testing.F) {
	for _, name := range []string{"opportunity-won.xml", "two-notifications-one-line.xml"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		msg, err := ParseOutboundMessage(body)
		if err != nil {
			if msg != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error without ErrMalformed or with a message: %v", err)
			}
			return
		}
		if msg.OrganizationID == "" || len(msg.Notifications) < 1 || len(msg.Notifications) > MaxNotifications {
			t.Fatalf("accepted an invalid message: %+v", msg)
		}
		for _, n := range msg.Notifications {
			if n.ID == "" || n.SObject.ID == "" || n.SObject.Type == "" {
				t.Fatalf("accepted an incomplete notification: %+v", n)
			}
		}
	})
}
