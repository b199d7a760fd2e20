package handlers

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// The XML shapes, matched by namespace URI, never by prefix: real
// messages use different prefixes and attribute orders.
type soapEnvelope struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
	Body    struct {
		Notifications *notificationsXML `xml:"http://soap.sforce.com/2005/09/outbound notifications"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

type notificationsXML struct {
	OrganizationID string            `xml:"http://soap.sforce.com/2005/09/outbound OrganizationId"`
	ActionID       string            `xml:"http://soap.sforce.com/2005/09/outbound ActionId"`
	SessionID      string            `xml:"http://soap.sforce.com/2005/09/outbound SessionId"`
	EnterpriseURL  string            `xml:"http://soap.sforce.com/2005/09/outbound EnterpriseUrl"`
	PartnerURL     string            `xml:"http://soap.sforce.com/2005/09/outbound PartnerUrl"`
	Notification   []notificationXML `xml:"http://soap.sforce.com/2005/09/outbound Notification"`
}

type notificationXML struct {
	ID      string      `xml:"http://soap.sforce.com/2005/09/outbound Id"`
	SObject *sObjectXML `xml:"http://soap.sforce.com/2005/09/outbound sObject"`
}

type sObjectXML struct {
	Type   string     `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	Fields []fieldXML `xml:",any"`
}

type fieldXML struct {
	XMLName xml.Name
	Nil     string `xml:"http://www.w3.org/2001/XMLSchema-instance nil,attr"`
	Value   string `xml:",chardata"`
}

// parseOutboundMessageReference is the first ParseOutboundMessage, kept
// unchanged as the oracle the fast scanner is fuzzed against: encoding/xml
// in Strict mode decoding into the structs above. Documents with a DOCTYPE
// are refused outright: Salesforce never sends one, and entity
// declarations are how XML bombs and external entity reads start.
func parseOutboundMessageReference(body []byte) (*OutboundMessage, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	root, err := rootElement(dec)
	if err != nil {
		return nil, err
	}
	var env soapEnvelope
	if err := dec.DecodeElement(&env, &root); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	n := env.Body.Notifications
	if n == nil {
		return nil, fmt.Errorf("%w: no notifications element in namespace %s in the SOAP body", ErrMalformed, nsOutbound)
	}
	msg := &OutboundMessage{
		OrganizationID: strings.TrimSpace(n.OrganizationID),
		ActionID:       strings.TrimSpace(n.ActionID),
		SessionID:      strings.TrimSpace(n.SessionID),
		EnterpriseURL:  strings.TrimSpace(n.EnterpriseURL),
		PartnerURL:     strings.TrimSpace(n.PartnerURL),
	}
	if msg.OrganizationID == "" {
		return nil, fmt.Errorf("%w: OrganizationId is missing", ErrMalformed)
	}
	if len(n.Notification) == 0 || len(n.Notification) > MaxNotifications {
		return nil, fmt.Errorf("%w: %d Notification elements, want 1 to %d", ErrMalformed, len(n.Notification), MaxNotifications)
	}
	for _, nx := range n.Notification {
		msg.Notifications = append(msg.Notifications, nx.notification())
	}
	return msg, nil
}

// rootElement reads the prolog up to the root element, refusing DOCTYPEs.
func rootElement(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: empty document", ErrMalformed)
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return xml.StartElement{}, fmt.Errorf("%w: DOCTYPE and entity declarations are not allowed", ErrMalformed)
		case xml.StartElement:
			if t.Name.Space != nsSOAPEnvelope || t.Name.Local != "Envelope" {
				return xml.StartElement{}, fmt.Errorf("%w: root element is {%s}%s, want a SOAP 1.1 Envelope", ErrMalformed, t.Name.Space, t.Name.Local)
			}
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, fmt.Errorf("%w: text before the root element", ErrMalformed)
			}
		}
	}
}

func (nx notificationXML) notification() Notification {
	id := strings.TrimSpace(nx.ID)
	if id == "" {
		return Notification{Problem: "Id is missing"}
	}
	if nx.SObject == nil {
		return Notification{ID: id, Problem: fmt.Sprintf("notification %s has no sObject", id)}
	}
	typ := nx.SObject.Type
	if i := strings.LastIndexByte(typ, ':'); i >= 0 {
		typ = typ[i+1:] // "sf:Opportunity": the prefix is whatever the sender chose
	}
	if typ == "" {
		return Notification{ID: id, Problem: fmt.Sprintf("notification %s: sObject has no xsi:type", id)}
	}
	obj := SObject{Type: typ, Fields: make(map[string]*string, len(nx.SObject.Fields))}
	for _, f := range nx.SObject.Fields {
		if f.Nil == "true" {
			obj.Fields[f.XMLName.Local] = nil
			continue
		}
		v := f.Value
		obj.Fields[f.XMLName.Local] = &v
	}
	if p := obj.Fields["Id"]; p != nil {
		obj.ID = strings.TrimSpace(*p)
	}
	note := Notification{ID: id, SObject: obj}
	if obj.ID == "" {
		note.Problem = fmt.Sprintf("notification %s: %s has no Id field", id, typ)
	}
	return note
}
