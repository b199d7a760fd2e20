package sandbox

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// soapMessage is an Outbound Message decoded by namespace (never by
// prefix), the way a careful listener reads it.
type soapMessage struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
	Body    struct {
		Notifications struct {
			OrganizationID string `xml:"http://soap.sforce.com/2005/09/outbound OrganizationId"`
			ActionID       string `xml:"http://soap.sforce.com/2005/09/outbound ActionId"`
			SessionID      struct {
				Nil   string `xml:"http://www.w3.org/2001/XMLSchema-instance nil,attr"`
				Value string `xml:",chardata"`
			} `xml:"http://soap.sforce.com/2005/09/outbound SessionId"`
			EnterpriseURL string `xml:"http://soap.sforce.com/2005/09/outbound EnterpriseUrl"`
			PartnerURL    string `xml:"http://soap.sforce.com/2005/09/outbound PartnerUrl"`
			Notification  []struct {
				ID      string `xml:"http://soap.sforce.com/2005/09/outbound Id"`
				SObject struct {
					Type   string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
					Fields []struct {
						XMLName xml.Name
						Value   string `xml:",chardata"`
					} `xml:",any"`
				} `xml:"http://soap.sforce.com/2005/09/outbound sObject"`
			} `xml:"http://soap.sforce.com/2005/09/outbound Notification"`
		} `xml:"http://soap.sforce.com/2005/09/outbound notifications"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

// sObjectFields maps the sf:* children of a notification to their text,
// checking their namespace.
func sObjectFields(t *testing.T, m soapMessage, i int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range m.Body.Notifications.Notification[i].SObject.Fields {
		if f.XMLName.Space != nsSObject {
			t.Fatalf("field %s is in namespace %q", f.XMLName.Local, f.XMLName.Space)
		}
		out[f.XMLName.Local] = f.Value
	}
	return out
}

const ackBody = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
	`<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>%s</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`

// receivedMessage is one delivery attempt seen by the receiver.
type receivedMessage struct {
	header http.Header
	raw    []byte
	msg    soapMessage
}

// receiver is an Outbound Message listener whose answer to the n-th
// request (0-based) is chosen by answer.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	received []receivedMessage
	answer   func(n int, w http.ResponseWriter, r *http.Request)
}

func newReceiver(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *receiver {
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var m soapMessage
		if err := xml.Unmarshal(raw, &m); err != nil {
			t.Errorf("outbound message does not parse: %v\n%s", err, raw)
		}
		rc.mu.Lock()
		n := len(rc.received)
		rc.received = append(rc.received, receivedMessage{header: r.Header.Clone(), raw: raw, msg: m})
		rc.mu.Unlock()
		rc.answer(n, w, r)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) messages() []receivedMessage {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedMessage(nil), rc.received...)
}

// ack answers like a listener that stored the notifications.
func ack(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(fmt.Sprintf(ackBody, "true")))
}
