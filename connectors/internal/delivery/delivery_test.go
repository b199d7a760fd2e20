package delivery

import (
	"errors"
	neturl "net/url"
	"strings"
	"testing"
)

func TestRedactedDropsPasswordAndQuery(t *testing.T) {
	const endpoint = "https://user:pw@tandem.example.com/webhooks/salesforce/outbound?token=s3cret"
	if got := Redacted(endpoint); got != "https://user:xxxxx@tandem.example.com/webhooks/salesforce/outbound" {
		t.Errorf("Redacted = %q", got)
	}
	err := RedactedErr(&neturl.Error{Op: "Post", URL: endpoint, Err: errors.New("connection refused")})
	if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "pw@") {
		t.Errorf("RedactedErr = %q", err)
	}
}
