package sandbox

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// XML namespaces of Outbound Messages.
const (
	nsSOAPEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	nsOutbound     = "http://soap.sforce.com/2005/09/outbound"
	nsSObject      = "urn:sobject.enterprise.soap.sforce.com"
	soapAPIVersion = "62.0"
)

// envelope renders a notifications message the way Salesforce does (see
// the captured messages in shared/fixtures/salesforce/outbound-message):
// record data is read now, so a re-send carries the latest values.
func (s *Server) envelope(rule compiledRule, batch []*notification) []byte {
	session := ""
	if rule.SendSessionID {
		session = s.outboundSession()
	}
	base := s.baseURL(nil)
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<soapenv:Envelope xmlns:soapenv="` + nsSOAPEnvelope + `" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + "\n")
	b.WriteString(" <soapenv:Body>\n")
	b.WriteString(`  <notifications xmlns="` + nsOutbound + `">` + "\n")
	element(&b, "   ", "OrganizationId", s.cfg.OrgID)
	element(&b, "   ", "ActionId", rule.ActionID)
	if session == "" {
		b.WriteString(`   <SessionId xsi:nil="true"/>` + "\n")
	} else {
		element(&b, "   ", "SessionId", session)
	}
	element(&b, "   ", "EnterpriseUrl", base+"/services/Soap/c/"+soapAPIVersion+"/"+s.org15())
	element(&b, "   ", "PartnerUrl", base+"/services/Soap/u/"+soapAPIVersion+"/"+s.org15())
	s.mu.Lock()
	for _, n := range batch {
		b.WriteString("   <Notification>\n")
		element(&b, "    ", "Id", n.id)
		fmt.Fprintf(&b, `    <sObject xsi:type="sf:%s" xmlns:sf="%s">`+"\n", rule.Object, nsSObject)
		s.writeSObjectFields(&b, rule, n.recordID)
		b.WriteString("    </sObject>\n   </Notification>\n")
	}
	s.mu.Unlock()
	b.WriteString("  </notifications>\n </soapenv:Body>\n</soapenv:Envelope>\n")
	return b.Bytes()
}

// writeSObjectFields writes the rule's fields of a record, null fields
// omitted; a deleted record carries only its Id. Caller holds s.mu.
func (s *Server) writeSObjectFields(b *bytes.Buffer, rule compiledRule, id string) {
	row, live := s.store.live(id)
	if !live {
		if !s.cfg.OutboundDeletedEmpty {
			element(b, "     ", "sf:Id", id)
		}
		return
	}
	for _, f := range rule.fields {
		if text, ok := soapValue(f, row[f.Name]); ok {
			element(b, "     ", "sf:"+f.Name, text)
		}
	}
}

func element(b *bytes.Buffer, indent, name, text string) {
	b.WriteString(indent + "<" + name + ">")
	_ = xml.EscapeText(b, []byte(text))
	b.WriteString("</" + name + ">\n")
}

// outboundSession is the session sent with SendSessionID rules: one
// session of the integration user, renewed when it expires.
func (s *Server) outboundSession() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.obSession != "" {
		if _, ok := s.sessionUser(s.obSession); ok {
			return s.obSession
		}
	}
	s.obSession = s.newSession(s.integration)
	return s.obSession
}

// isAck reports whether a listener's answer is a SOAP envelope whose
// Body/notificationsResponse/Ack is true, matching namespaces (not
// prefixes), as Salesforce's SOAP stack does.
func isAck(answer []byte) bool {
	dec := xml.NewDecoder(bytes.NewReader(answer))
	want := []xml.Name{{Space: nsSOAPEnvelope, Local: "Envelope"}, {Space: nsSOAPEnvelope, Local: "Body"},
		{Space: nsOutbound, Local: "notificationsResponse"}, {Space: nsOutbound, Local: "Ack"}}
	var path []xml.Name
	var ack strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name)
		case xml.EndElement:
			if len(path) == len(want) && pathIs(path, want) {
				v := strings.TrimSpace(ack.String())
				return v == "true" || v == "1"
			}
			path = path[:len(path)-1]
		case xml.CharData:
			if len(path) == len(want) && pathIs(path, want) {
				ack.Write(t)
			}
		}
	}
}

func pathIs(path, want []xml.Name) bool {
	for i := range want {
		if path[i] != want[i] {
			return false
		}
	}
	return true
}
