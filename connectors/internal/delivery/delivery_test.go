package delivery

import (
	"errors"
	neturl "net/url"
	"strings"
	"testing"
	"time"
)

func TestBackoffDoublesUpToMax(t *testing.T) {
	for attempts, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 5: 10 * time.Second, 60: 10 * time.Second} {
		if got := Backoff(time.Second, 10*time.Second, attempts); got != want {
			t.Errorf("attempt %d: %s, want %s", attempts, got, want)
		}
	}
}

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
