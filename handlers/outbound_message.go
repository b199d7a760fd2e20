package handlers

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Namespaces of a Salesforce Outbound Message (SOAP 1.1).
const (
	nsSOAPEnvelope = "http://schemas.xmlsoap.org/soap/envelope/"
	nsOutbound     = "http://soap.sforce.com/2005/09/outbound"
	nsXSI          = "http://www.w3.org/2001/XMLSchema-instance"
)

// MaxNotifications is the most notifications Salesforce puts in one
// Outbound Message (maxOccurs in the generated WSDL).
const MaxNotifications = 100

// OutboundMessage is one Salesforce Outbound Message.
type OutboundMessage struct {
	OrganizationID string
	ActionID       string
	SessionID      string // empty unless "Send Session ID" is ticked
	EnterpriseURL  string
	PartnerURL     string
	Notifications  []Notification
}

// Notification is one record change inside an Outbound Message. Its ID
// stays the same on every re-send, which makes it the dedup key.
type Notification struct {
	ID      string
	SObject SObject
	// Problem says why the notification cannot be used (no record id, no
	// type, ...); "" for a good one. One bad notification does not make
	// the others unusable, so it is reported here, not as an error.
	Problem string
}

// SObject is the record as Salesforce sent it: only the fields chosen in
// Setup, as text (nil for xsi:nil fields).
type SObject struct {
	Type   string // API name from xsi:type, e.g. "Opportunity"
	ID     string
	Fields map[string]*string
}

// ErrMalformed marks a message that is not a valid Outbound Message.
var ErrMalformed = errors.New("malformed outbound message")

// ParseOutboundMessage parses and checks an Outbound Message. Documents
// with a DOCTYPE are refused outright: Salesforce never sends one, and
// entity declarations are how XML bombs and external entity reads start.
//
// It walks the envelope with xmlScanner (outbound_message_scan.go) the way
// encoding/xml decodes it into the structs of parseOutboundMessageReference
// (outbound_message_reference_test.go), which it is fuzzed against, and
// gives the same results about ten times faster (the figures are in
// outbound_message_scan.go), with one difference: xsi:nil="1" is nil too,
// as in XML Schema.
// The strings it returns share the memory of one copy of body.
func ParseOutboundMessage(body []byte) (*OutboundMessage, error) {
	p := outboundParsers.Get().(*outboundParser)
	defer p.release()
	p.s.reset(string(body))
	if err := p.document(); err != nil {
		return nil, err
	}
	return p.message()
}

// outboundParser walks the envelope the way encoding/xml decodes it into
// the reference's structs: elements matched by namespace and local name,
// others skipped; repeated elements merge (a later field wins, Notification
// elements add up); the checks wait until the whole document has been read.
type outboundParser struct {
	s   xmlScanner
	buf []byte

	sawNotifications bool
	orgID, actionID  string
	sessionID        string
	enterpriseURL    string
	partnerURL       string
	count            int // Notification elements, also beyond MaxNotifications
	notes            []noteScan
	fields           []fieldScan
}

// noteScan is one Notification as read; its fields are fields[from:to].
type noteScan struct {
	id, typ    string
	hasSObject bool
	from, to   int
}

type fieldScan struct {
	name, value string
	isNil       bool
}

var outboundParsers = sync.Pool{New: func() any { return new(outboundParser) }}

// What a pooled parser may keep of the scratch space a message needed.
const (
	maxPooledFields = 16 << 10
	maxPooledText   = 64 << 10 // bytes of one field value with references
)

// release pools p unless a huge message made it huge.
func (p *outboundParser) release() {
	if cap(p.fields) > maxPooledFields || cap(p.buf) > maxPooledText {
		return
	}
	p.forget()
	outboundParsers.Put(p)
}

// forget empties p but keeps its scratch space: a pooled parser must not
// keep a message alive.
func (p *outboundParser) forget() {
	p.s.reset("")
	clear(p.notes)
	clear(p.fields)
	*p = outboundParser{s: p.s, buf: p.buf[:0], notes: p.notes[:0], fields: p.fields[:0]}
}

func (p *outboundParser) document() error {
	if err := p.s.xmlDeclaration(); err != nil {
		return err
	}
	kind, err := p.s.next()
	if err != nil {
		return err
	}
	if kind == tokenDone {
		return fmt.Errorf("%w: empty document", ErrMalformed)
	}
	if p.s.name != (xmlName{nsSOAPEnvelope, "Envelope"}) {
		return fmt.Errorf("%w: root element is {%s}%s, want a SOAP 1.1 Envelope", ErrMalformed, p.s.name.space, p.s.name.local)
	}
	if err := p.children(p.envelopeChild); err != nil {
		return err
	}
	_, err = p.s.next() // tokenDone, or what is wrong after the root
	return err
}

// children calls child at each child element of the element just started
// and returns after its end tag; text between them is passed over.
func (p *outboundParser) children(child func() error) error {
	for {
		kind, err := p.s.next()
		if err != nil {
			return err
		}
		switch kind {
		case tokenStart:
			if err := child(); err != nil {
				return err
			}
		case tokenEnd:
			return nil
		}
	}
}

// skip passes over the element just started, checking it all the same.
func (p *outboundParser) skip() error { return p.children(p.skip) }

func (p *outboundParser) envelopeChild() error {
	if p.s.name == (xmlName{nsSOAPEnvelope, "Body"}) {
		return p.children(p.bodyChild)
	}
	return p.skip()
}

func (p *outboundParser) bodyChild() error {
	if p.s.name == (xmlName{nsOutbound, "notifications"}) {
		p.sawNotifications = true
		return p.children(p.notificationsChild)
	}
	return p.skip()
}

func (p *outboundParser) notificationsChild() error {
	if p.s.name.space != nsOutbound {
		return p.skip()
	}
	switch p.s.name.local {
	case "OrganizationId":
		return p.text(&p.orgID)
	case "ActionId":
		return p.text(&p.actionID)
	case "SessionId":
		return p.text(&p.sessionID)
	case "EnterpriseUrl":
		return p.text(&p.enterpriseURL)
	case "PartnerUrl":
		return p.text(&p.partnerURL)
	case "Notification":
		return p.notification()
	}
	return p.skip()
}

func (p *outboundParser) notification() error {
	p.count++
	if p.count > MaxNotifications {
		return p.skip() // the message is refused for its count
	}
	p.notes = append(p.notes, noteScan{from: len(p.fields)})
	err := p.children(p.notificationChild)
	p.notes[len(p.notes)-1].to = len(p.fields)
	return err
}

func (p *outboundParser) notificationChild() error {
	note := &p.notes[len(p.notes)-1]
	switch p.s.name {
	case xmlName{nsOutbound, "Id"}:
		return p.text(&note.id)
	case xmlName{nsOutbound, "sObject"}:
		note.hasSObject = true
		if typ, ok := p.s.attr(xmlName{nsXSI, "type"}); ok {
			note.typ = typ.String()
		}
		return p.children(p.field)
	}
	return p.skip()
}

// field reads one child of sObject, whatever its namespace.
func (p *outboundParser) field() error {
	f := fieldScan{name: p.s.name.local}
	if v, ok := p.s.attr(xmlName{nsXSI, "nil"}); ok {
		v := v.String()
		f.isNil = v == "true" || v == "1" // xsd:boolean
	}
	err := p.text(&f.value)
	p.fields = append(p.fields, f)
	return err
}

// text sets *dst to the text directly inside the element just started;
// child elements are skipped. A single run without references stays a
// substring of the document.
func (p *outboundParser) text(dst *string) error {
	var first textRun
	runs := 0
	p.buf = p.buf[:0]
	for {
		kind, err := p.s.next()
		if err != nil {
			return err
		}
		switch kind {
		case tokenText:
			if runs == 1 {
				p.buf = first.appendTo(p.buf)
			}
			if runs == 0 {
				first = p.s.text
			} else {
				p.buf = p.s.text.appendTo(p.buf)
			}
			runs++
		case tokenStart:
			if err := p.skip(); err != nil {
				return err
			}
		case tokenEnd:
			if runs == 1 && !first.escaped {
				*dst = first.raw // the usual case: no copy
				return nil
			}
			if runs == 1 {
				p.buf = first.appendTo(p.buf)
			}
			*dst = string(p.buf)
			return nil
		}
	}
}

// message checks what was read, in the reference's order, and builds the
// result: one array holds every field value.
func (p *outboundParser) message() (*OutboundMessage, error) {
	if !p.sawNotifications {
		return nil, fmt.Errorf("%w: no notifications element in namespace %s in the SOAP body", ErrMalformed, nsOutbound)
	}
	msg := &OutboundMessage{
		OrganizationID: strings.TrimSpace(p.orgID),
		ActionID:       strings.TrimSpace(p.actionID),
		SessionID:      strings.TrimSpace(p.sessionID),
		EnterpriseURL:  strings.TrimSpace(p.enterpriseURL),
		PartnerURL:     strings.TrimSpace(p.partnerURL),
	}
	if msg.OrganizationID == "" {
		return nil, fmt.Errorf("%w: OrganizationId is missing", ErrMalformed)
	}
	if p.count == 0 || p.count > MaxNotifications {
		return nil, fmt.Errorf("%w: %d Notification elements, want 1 to %d", ErrMalformed, p.count, MaxNotifications)
	}
	msg.Notifications = make([]Notification, len(p.notes))
	values := make([]string, len(p.fields))
	for i, n := range p.notes {
		msg.Notifications[i] = p.newNotification(n, values)
	}
	return msg, nil
}

// newNotification checks one Notification as read and builds it, its
// field values in values; what makes it unusable goes in its Problem.
func (p *outboundParser) newNotification(n noteScan, values []string) Notification {
	id := strings.TrimSpace(n.id)
	if id == "" {
		return Notification{Problem: "Id is missing"}
	}
	if !n.hasSObject {
		return Notification{ID: id, Problem: fmt.Sprintf("notification %s has no sObject", id)}
	}
	typ := n.typ
	if i := strings.LastIndexByte(typ, ':'); i >= 0 {
		typ = typ[i+1:] // "sf:Opportunity": the prefix is whatever the sender chose
	}
	if typ == "" {
		return Notification{ID: id, Problem: fmt.Sprintf("notification %s: sObject has no xsi:type", id)}
	}
	obj := SObject{Type: typ, Fields: make(map[string]*string, n.to-n.from)}
	for k := n.from; k < n.to; k++ {
		f := p.fields[k]
		if f.isNil {
			obj.Fields[f.name] = nil
			continue
		}
		values[k] = f.value
		obj.Fields[f.name] = &values[k]
	}
	if v := obj.Fields["Id"]; v != nil {
		obj.ID = strings.TrimSpace(*v)
	}
	note := Notification{ID: id, SObject: obj}
	if obj.ID == "" {
		note.Problem = fmt.Sprintf("notification %s: %s has no Id field", id, typ)
	}
	return note
}
