package handlers

import (
	"encoding/xml"
	"net/http"
)

// outboundAck is the exact acknowledgement Salesforce expects; anything
// else makes it re-send the message.
const outboundAck = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
   <Ack>true</Ack>
  </notificationsResponse>
 </soapenv:Body>
</soapenv:Envelope>
`

const soapContentType = "text/xml; charset=utf-8"

func writeAck(w http.ResponseWriter) {
	w.Header().Set("Content-Type", soapContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(outboundAck))
}

// writeSOAPFault answers with a SOAP 1.1 fault carrying a message a
// Salesforce admin can read in the Outbound Message delivery status.
// faultcode is Client for the sender's mistakes, Server for ours.
func writeSOAPFault(w http.ResponseWriter, status int, msg string) {
	code := "soapenv:Client"
	if status >= 500 {
		code = "soapenv:Server"
	}
	w.Header().Set("Content-Type", soapContentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <soapenv:Fault>
   <faultcode>` + code + `</faultcode>
   <faultstring>` + escapeXML(msg) + `</faultstring>
  </soapenv:Fault>
 </soapenv:Body>
</soapenv:Envelope>
`))
}

func escapeXML(s string) string {
	var b xmlBuilder
	_ = xml.EscapeText(&b, []byte(s))
	return string(b)
}

type xmlBuilder []byte

func (b *xmlBuilder) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }
