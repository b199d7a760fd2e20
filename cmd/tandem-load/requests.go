package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/sfid"
	"github.com/tandem-sync/tandem/handlers"
)

// post is one request to a webhook endpoint.
type post struct {
	endpoint Endpoint
	path     string // with the query
	header   http.Header
	body     []byte
	records  int // notifications or events it carries: the jobs it asks for
}

// builder writes the requests a real sender would: Outbound Messages
// shaped like Salesforce's, change events as the Streaming API delivers
// them, webhooks as the shipped SuiteScript posts them. Every id derives
// from idBase and the request's seq, so the same seq gives the same ids
// (a duplicate) and different seqs never share one.
type builder struct {
	creds                 Credentials
	notifications, events int       // per Outbound Message, per events POST
	idBase                uint64    // first id of the run
	modified              time.Time // the records' last-modified time
}

func newBuilder(c Config) *builder {
	return &builder{creds: c.Credentials, notifications: c.Notifications, events: c.Events, idBase: c.IDBase,
		modified: time.Now().UTC().Truncate(time.Second)}
}

// build is request seq to endpoint e, signed at now where it is signed.
func (b *builder) build(e Endpoint, seq uint64, now time.Time) post {
	switch e {
	case Outbound:
		return b.outbound(seq)
	case Events:
		return b.changeEvents(seq, now)
	}
	return b.netsuiteWebhook(seq, now)
}

// Key prefixes of the Salesforce ids the requests carry.
const (
	prefixNotification = "04l"
	prefixOpportunity  = "006"
	prefixAccount      = "001"
	prefixUser         = "005"
)

// outboundActionID is the Outbound Message action (04k…) of the sandbox's
// won-opportunity rule.
const outboundActionID = "04k5e000000TNDMAAW"

// outbound is an Outbound Message with b.notifications won opportunities.
func (b *builder) outbound(seq uint64) post {
	org := b.creds.OrgID
	var s strings.Builder
	s.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">`)
	fmt.Fprintf(&s, `<OrganizationId>%s</OrganizationId><ActionId>%s</ActionId><SessionId xsi:nil="true"/>`, org, outboundActionID)
	fmt.Fprintf(&s, `<EnterpriseUrl>https://tandem-load.my.salesforce.com/services/Soap/c/62.0/%s</EnterpriseUrl><PartnerUrl>https://tandem-load.my.salesforce.com/services/Soap/u/62.0/%s</PartnerUrl>`, org[:15], org[:15])
	for j := range b.notifications {
		n := b.idBase + seq*uint64(b.notifications) + uint64(j)
		fmt.Fprintf(&s, `<Notification><Id>%s</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">`, sfid.New(prefixNotification, n))
		fmt.Fprintf(&s, `<sf:Id>%s</sf:Id><sf:AccountId>%s</sf:AccountId><sf:Amount>%d.0</sf:Amount><sf:CloseDate>%s</sf:CloseDate>`,
			sfid.New(prefixOpportunity, n), sfid.New(prefixAccount, n), 1000+n%90000, b.modified.Format(time.DateOnly))
		fmt.Fprintf(&s, `<sf:IsClosed>true</sf:IsClosed><sf:IsWon>true</sf:IsWon><sf:LastModifiedDate>%s</sf:LastModifiedDate><sf:Name>Load deal %d</sf:Name><sf:StageName>Closed Won</sf:StageName></sObject></Notification>`,
			b.modified.Format("2006-01-02T15:04:05.000Z"), n)
	}
	s.WriteString(`</notifications></soapenv:Body></soapenv:Envelope>`)
	path := handlers.PathSalesforceOutbound
	if b.creds.OutboundToken != "" {
		path += "?token=" + url.QueryEscape(b.creds.OutboundToken)
	}
	header := http.Header{"Content-Type": {"text/xml; charset=utf-8"}}
	header.Set("SOAPAction", `""`)
	return post{endpoint: Outbound, path: path, header: header, body: []byte(s.String()), records: b.notifications}
}

// The wire form of a change event (api/salesforce-events.md).
type (
	changeEvent struct {
		Schema  string           `json:"schema"`
		Payload changePayload    `json:"payload"`
		Event   changeEventIdent `json:"event"`
	}
	changePayload struct {
		Header           changeEventHeader `json:"ChangeEventHeader"`
		BillingAddress   map[string]string `json:"BillingAddress"`
		LastModifiedDate string            `json:"LastModifiedDate"`
	}
	changeEventHeader struct {
		EntityName      string   `json:"entityName"`
		RecordIDs       []string `json:"recordIds"`
		ChangeType      string   `json:"changeType"`
		ChangeOrigin    string   `json:"changeOrigin"`
		TransactionKey  string   `json:"transactionKey"`
		SequenceNumber  int      `json:"sequenceNumber"`
		CommitTimestamp int64    `json:"commitTimestamp"`
		CommitUser      string   `json:"commitUser"`
		CommitNumber    uint64   `json:"commitNumber"`
		ChangedFields   []string `json:"changedFields"`
	}
	changeEventIdent struct {
		ReplayID uint64 `json:"replayId"`
	}
)

// accountSchemaID is the schema id Salesforce gives the AccountChangeEvent
// layout (any stable string; subscribers only compare it).
const accountSchemaID = "IeRuaY6cbI_HsV8Rv1Mc5g"

// changeEvents is a JSON array of b.events Account updates made in the
// UI, one record each, as the org's forwarder posts them.
func (b *builder) changeEvents(seq uint64, now time.Time) post {
	evs := make([]changeEvent, b.events)
	for j := range evs {
		n := b.idBase + seq*uint64(b.events) + uint64(j)
		evs[j] = changeEvent{
			Schema: accountSchemaID,
			Payload: changePayload{
				Header: changeEventHeader{
					EntityName: "Account", RecordIDs: []string{sfid.New(prefixAccount, n)}, ChangeType: "UPDATE",
					ChangeOrigin:   "com/salesforce/api/soap/62.0;client=SfdcInternalAPI/",
					TransactionKey: fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(n>>32), uint16(n>>16), uint16(n), 0x4000, n),
					SequenceNumber: 1, CommitTimestamp: b.modified.UnixMilli(), CommitUser: sfid.New(prefixUser, 1),
					CommitNumber: n, ChangedFields: []string{"BillingAddress.City", "LastModifiedDate"},
				},
				BillingAddress:   map[string]string{"City": "Hamburg"},
				LastModifiedDate: b.modified.Format("2006-01-02T15:04:05.000Z"),
			},
			Event: changeEventIdent{ReplayID: n},
		}
	}
	body, _ := json.Marshal(evs) // plain structs: cannot fail
	header := http.Header{"Content-Type": {"application/json"}}
	if b.creds.EventsAuth == handlers.EventsAuthHMAC {
		header.Set(handlers.SignatureHeader, handlers.Sign(b.creds.EventsSecret, now, body))
	} else {
		header.Set("Authorization", "Bearer "+b.creds.EventsToken)
	}
	return post{endpoint: Events, path: handlers.PathSalesforceEvents, header: header, body: body, records: b.events}
}

// netsuiteWebhook is a customer edited in the UI, signed at now.
func (b *builder) netsuiteWebhook(seq uint64, now time.Time) post {
	id := strconv.FormatUint(b.idBase+seq, 10)
	modified := b.modified.Format(time.RFC3339)
	ev := handlers.NetSuiteEvent{ // the body of api/netsuite-webhook.md
		EventID:   fmt.Sprintf("%s:customer:%s:edit:%s", b.creds.NSAccount, id, modified),
		AccountID: b.creds.NSAccount, RecordType: "customer", RecordID: id, EventType: "edit",
		LastModifiedDate: modified, ExecutionContext: "USERINTERFACE", UserID: "17", RoleID: "3",
		Fields: map[string]any{"phone": "+49 30 1234567"},
	}
	body, _ := json.Marshal(ev) // strings only: cannot fail
	header := http.Header{"Content-Type": {"application/json"}}
	header.Set(handlers.SignatureHeader, handlers.Sign(b.creds.NSSecret, now, body))
	return post{endpoint: NetSuite, path: handlers.PathNetSuiteWebhook, header: header, body: body, records: 1}
}
